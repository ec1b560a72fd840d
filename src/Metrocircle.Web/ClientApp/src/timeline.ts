// The version timeline: every plan version (GET /versions) and a date, to see the plan as it was or will be.
// Choosing one reloads the page with ?version=ID or ?asOf=DATE, which every read of the plan (items, TileJSON and
// the tiles it lists) passes on; "in force today" drops both.

import { apiUrl, fetchJson, planSelection } from './api';
import type { components } from './api-types';
import { el } from './dom';

type VersionSummary = components['schemas']['VersionSummary'];

export async function mountTimeline(host: HTMLElement): Promise<void> {
  let versions: VersionSummary[];
  try {
    versions = (await fetchJson<{ versions: VersionSummary[] }>(apiUrl('./versions'))).versions ?? [];
  } catch {
    // the map works without it; a server without versions simply has no timeline
    host.hidden = true;
    return;
  }

  const current = planSelection();
  const select = el('select', { id: 'version-select', 'aria-label': 'Plan version · 规划版本' },
    el('option', { value: '' }, 'In force today · 现行'));
  for (const v of versions) {
    const when = v.inForce ? 'in force' : v.effectiveFrom > new Date().toISOString().slice(0, 10) ? `from ${v.effectiveFrom}` : `${v.effectiveFrom}`;
    select.append(el('option', { value: v.id }, `${v.label} · ${when} · ${v.source}`));
  }
  select.value = current.version ?? '';

  const date = el('input', { id: 'version-as-of', type: 'date', 'aria-label': 'Plan in force on · 某日现行规划' });
  date.value = current.asOf ?? '';

  const go = (params: Record<string, string>) => {
    const url = new URL(location.href);
    url.searchParams.delete('version');
    url.searchParams.delete('asOf');
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    location.assign(url.toString());
  };
  select.addEventListener('change', () => go(select.value ? { version: select.value } : {}));
  date.addEventListener('change', () => go(date.value ? { asOf: date.value } : {}));

  host.append(
    el('h2', { class: 'timeline__title' }, 'Versions · 版本'),
    el('label', { class: 'timeline__row' }, 'Version ', select),
    el('label', { class: 'timeline__row' }, 'As of ', date),
  );
  host.hidden = false;
}
