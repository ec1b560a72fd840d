// The conflicts page: where the plan's own layers contradict each other by the plan's conflict rules. Patches on a
// map coloured by severity, filters by rule, status, county and severity, the rules with their counts (rules whose
// layers the plan lacks listed as not applicable), a list of the shown patches, and an inspector for one patch.
// Public: the patches are derived from the published plan (GET /conflicts is anonymous).
//
// Hooks: body[data-state] (loading | ready | error); #filter-rule, #filter-status (hidden when no patch carries a
// status), #filter-county, #filter-severity; #conflict-count[data-shown][data-total]; #conflict-rules li[data-rule]
// [data-applicable]; #conflict-list li[data-id]; #conflict-map (see map.ts); #conflict-inspector (see inspector.ts).

import 'maplibre-gl/dist/maplibre-gl.css';
import '../app.css';
import './conflicts.css';

import { mountAccount } from '../account';
import { byId, el } from '../dom';
import { fetchConflicts, fetchPlanNames, type Patch, type PlanNames, type RuleSummary } from './api';
import { areaText, lengthText, SEVERITY_LABELS, statusLabel } from './format';
import { Inspector } from './inspector';
import { ConflictMap, SEVERITY_COLOURS } from './map';

/** The list shows this many patches; the map shows them all. */
const LIST_LIMIT = 300;
const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2 };

const ruleSelect = byId<HTMLSelectElement>('filter-rule');
const statusSelect = byId<HTMLSelectElement>('filter-status');
const countySelect = byId<HTMLSelectElement>('filter-county');
const severitySelect = byId<HTMLSelectElement>('filter-severity');
const count = byId('conflict-count');
const list = byId('conflict-list');
const rulesList = byId('conflict-rules');

mountAccount();

function fail(message: string): void {
  document.body.dataset.state = 'error';
  const box = byId('conflict-error');
  box.textContent = message;
  box.hidden = false;
}

function options(select: HTMLSelectElement, values: [string, string][]): void {
  for (const [value, label] of values) select.append(el('option', { value }, label));
}

function tally(patches: Patch[], key: (p: Patch) => string | null): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of patches) {
    const k = key(p);
    if (k !== null) m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function ruleItem(rule: RuleSummary, shown: number): HTMLElement {
  const swatch = el('span', { class: 'conflict-swatch', 'aria-hidden': 'true' });
  swatch.style.setProperty('--chip', SEVERITY_COLOURS[rule.severity] ?? '#757575');
  const figures = !rule.applicable
    ? el('span', { class: 'conflict-rule__na' }, `Not applicable · 不适用 — ${(rule.note ?? '').replace(/^not applicable:\s*/i, '')}`)
    : el(
        'span',
        { class: 'conflict-rule__figures' },
        `${shown.toLocaleString('en')} shown of ${rule.patches.toLocaleString('en')}`,
        rule.areaM2 > 0 ? ` · ${areaText(rule.areaM2)}` : '',
        rule.lengthM > 0 ? ` · ${lengthText(rule.lengthM)}` : '',
        rule.slivers > 0 ? ` · ${rule.slivers.toLocaleString('en')} slivers not listed` : '',
      );
  return el(
    'li',
    { 'data-rule': rule.rule, 'data-applicable': String(rule.applicable), class: rule.applicable ? '' : 'conflict-rule--na' },
    swatch,
    el('span', { class: 'conflict-rule__title' }, `${rule.rule} · ${rule.title}`),
    figures,
  );
}

async function start(): Promise<void> {
  let data: Awaited<ReturnType<typeof fetchConflicts>>;
  let names: PlanNames;
  try {
    [data, names] = await Promise.all([fetchConflicts(), fetchPlanNames()]);
  } catch (e) {
    fail(`The conflicts could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }

  const patches = [...data.patches].sort(
    (a, b) =>
      (SEVERITY_RANK[a.properties.severity] ?? 9) - (SEVERITY_RANK[b.properties.severity] ?? 9) ||
      (b.properties.areaM2 ?? b.properties.lengthM ?? 0) - (a.properties.areaM2 ?? a.properties.lengthM ?? 0) ||
      a.id.localeCompare(b.id),
  );
  const patchById = new Map(patches.map((p) => [p.id, p]));
  const rules = new Map(data.rules.map((r) => [r.rule, r]));

  // Filters: rules with patches or not applicable, statuses present, counties by name (codes only as a fallback).
  options(ruleSelect, data.rules.map((r) => [r.rule, `${r.rule} · ${r.title}${r.applicable ? ` (${r.patches})` : ' — not applicable'}`]));
  const statuses = tally(patches, (p) => (typeof p.properties.status === 'string' ? p.properties.status : null));
  byId('filter-status-label').hidden = statuses.size === 0;
  options(statusSelect, [...statuses].map(([s, n]) => [s, `${statusLabel(s)} (${n})`]));
  const counties = tally(patches, (p) => p.properties.county ?? null);
  options(
    countySelect,
    [...counties]
      .map(([id, n]) => [id, `${names.county(id) ?? id} (${n})`] as [string, string])
      .sort((a, b) => a[1].localeCompare(b[1], 'zh-Hans-CN')),
  );
  const severities = tally(patches, (p) => p.properties.severity);
  options(severitySelect, ['high', 'medium', 'low'].filter((s) => severities.has(s)).map((s) => [s, `${SEVERITY_LABELS[s]} (${severities.get(s)})`]));
  byId('conflict-legend').replaceChildren(
    ...['high', 'medium', 'low'].map((s) => {
      const sw = el('span', { class: 'conflict-swatch' });
      sw.style.setProperty('--chip', SEVERITY_COLOURS[s]!);
      return el('span', {}, sw, SEVERITY_LABELS[s] ?? s);
    }),
  );

  let selected: string | null = null;
  const map = new ConflictMap(byId('conflict-map'), names.counties, (id) => void select(id));
  const inspector = new Inspector(byId('conflict-inspector'), names, (patch, a, b) => void map.select(patch, a, b));

  async function select(id: string | null): Promise<void> {
    selected = id;
    for (const li of list.querySelectorAll<HTMLElement>('li[data-id]')) li.setAttribute('aria-selected', String(li.dataset.id === id));
    const patch = id ? patchById.get(id) : undefined;
    if (!patch) {
      inspector.close();
      return;
    }
    await inspector.show(patch, rules.get(patch.properties.rule));
  }

  function apply(fit: boolean): void {
    const rule = ruleSelect.value;
    const status = statusSelect.value;
    const county = countySelect.value;
    const severity = severitySelect.value;
    const shown = patches.filter(
      (p) =>
        (!rule || p.properties.rule === rule) &&
        (!status || p.properties.status === status) &&
        (!county || p.properties.county === county) &&
        (!severity || p.properties.severity === severity),
    );
    count.dataset.shown = String(shown.length);
    count.dataset.total = String(patches.length);
    count.textContent = `${shown.length.toLocaleString('en')} of ${patches.length.toLocaleString('en')} patches shown · 显示 ${shown.length} / ${patches.length} 个冲突图斑`;
    const perRule = tally(shown, (p) => p.properties.rule);
    rulesList.replaceChildren(...data.rules.map((r) => ruleItem(r, perRule.get(r.rule) ?? 0)));
    list.replaceChildren(
      ...shown.slice(0, LIST_LIMIT).map((p) => {
        const q = p.properties;
        const sw = el('span', { class: 'conflict-swatch', 'aria-hidden': 'true' });
        sw.style.setProperty('--chip', SEVERITY_COLOURS[q.severity] ?? '#757575');
        const item = el(
          'li',
          { 'data-id': p.id, 'data-rule': q.rule, 'data-county': q.county ?? '', 'data-status': q.status, tabindex: '0', 'aria-selected': String(p.id === selected) },
          sw,
          el('span', { class: 'conflict-item__rule' }, q.rule),
          el('span', { class: 'conflict-item__size' }, q.areaM2 !== null ? areaText(q.areaM2) : lengthText(q.lengthM ?? 0)),
          el('span', { class: 'conflict-item__where' }, `${names.county(q.county) ?? q.county ?? '—'} · ${statusLabel(q.status)}`),
          el('span', { class: 'conflict-item__pair' }, `${names.layer(q.layerA)} ${q.featureA} × ${names.layer(q.layerB)} ${q.featureB}`),
        );
        item.addEventListener('click', () => void select(p.id));
        item.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            void select(p.id);
          }
        });
        return item;
      }),
      ...(shown.length > LIST_LIMIT ? [el('li', { class: 'conflict-list__more' }, `and ${(shown.length - LIST_LIMIT).toLocaleString('en')} more on the map · 其余见地图`)] : []),
      ...(shown.length === 0 ? [el('li', { class: 'conflict-list__more' }, 'No patch matches these filters. · 无符合条件的冲突图斑')] : []),
    );
    void map.setPatches(shown);
    if (selected && !shown.some((p) => p.id === selected)) void select(null);
    if (fit && shown.length > 0) map.fit(shown);
  }

  for (const s of [ruleSelect, statusSelect, countySelect, severitySelect]) s.addEventListener('change', () => apply(true));
  apply(false);
  await map.loaded;
  document.body.dataset.state = 'ready';
}


void start();
