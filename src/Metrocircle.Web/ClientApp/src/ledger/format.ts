// Numbers and names as the ledger page writes them.

/** Whole square metres with thousands separators, and hectares beside them when large. */
export function m2(v: number): string {
  const text = `${v.toLocaleString('en')} m²`;
  return Math.abs(v) >= 10_000 ? `${text} (${(v / 10_000).toLocaleString('en', { maximumFractionDigits: 1 })} ha)` : text;
}

export function signed(v: number): string {
  return `${v > 0 ? '+' : ''}${v.toLocaleString('en')}`;
}

export function day(iso: string): string {
  return iso.slice(0, 10);
}
