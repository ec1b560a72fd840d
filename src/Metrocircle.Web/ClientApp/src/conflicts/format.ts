// Figures and labels of the conflicts page.

const STATUS: Record<string, string> = {
  open: 'Open · 待处理',
  exempt: 'Exempt · 豁免',
  resolved: 'Resolved · 已解决',
  accepted: 'Accepted · 已接受',
};

export const SEVERITY_LABELS: Record<string, string> = { high: 'High · 高', medium: 'Medium · 中', low: 'Low · 低' };

export function statusLabel(status: string | null | undefined): string {
  return status ? (STATUS[status] ?? status) : '—';
}

const number = (v: number, digits = 0) => v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** m² below a hectare, hectares up to 10 km², km² beyond. */
export function areaText(m2: number): string {
  if (m2 < 10_000) return `${number(m2)} m²`;
  if (m2 < 10_000_000) return `${number(m2 / 10_000, 2)} ha`;
  return `${number(m2 / 1_000_000, 2)} km²`;
}

export function lengthText(m: number): string {
  return m < 1000 ? `${number(m)} m` : `${number(m / 1000, 2)} km`;
}
