// The tables of an amendment: the change set as a before/after diff, the balance sheet, and the impact report.
//
// Hooks: table#amendment-diff tr[data-op][data-layer][data-feature-id]; #amendment-balance[data-ok] with
// tr.balance-line[data-rule][data-province][data-ok]; #amendment-impact with table.impact-areas and
// table.impact-indicators.

import { el } from '../dom';
import type { Geometry } from '../geometry';
import { approxAreaM2, ha } from './changes';
import { featureAt, type BalanceSheet, type Change, type Impact } from './api';
import type { Shape } from './map';

export const OP_LABELS: Record<string, string> = { add: 'Add · 新增', change: 'Change · 修改', retire: 'Retire · 删除' };

export const RULE_LABELS: Record<string, string> = {
  'B1-redline-no-decrease': 'Ecological red line does not shrink · 生态保护红线不减少',
  'B2-farmland-compensate': 'Farmland taken is compensated · 永久基本农田占补平衡',
  'B3-urban-boundary-cap': 'Urban development boundary within its cap · 城镇开发边界不超规模',
  'B4-valid-and-disjoint': 'Features valid and not overlapping · 要素有效且不重叠',
};

/** One change with the feature as it was (retire, change) and as it will be (add, change). */
export interface ResolvedChange {
  change: Change;
  before: Geometry | null;
  after: Geometry | null;
  /** Why the old feature could not be read, if it could not. */
  problem: string | null;
}

/** Reads the old shape of every retired and changed feature from the base version (a few at a time). */
export async function resolveChanges(changes: Change[], baseVersion: string, signal?: AbortSignal): Promise<ResolvedChange[]> {
  const out: ResolvedChange[] = changes.map((change) => ({ change, before: null, after: change.feature?.geometry ?? null, problem: null }));
  const pending = out.filter((r) => r.change.op !== 'add' && r.change.featureId);
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const r = pending[next++]!;
      try {
        r.before = (await featureAt(r.change.layer, r.change.featureId!, baseVersion, signal)).geometry;
      } catch (e) {
        if (e instanceof DOMException && e.name === 'AbortError') throw e;
        r.problem = e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}

export function shapesOf(resolved: ResolvedChange[]): Shape[] {
  const shapes: Shape[] = [];
  for (const r of resolved) {
    const key = `${r.change.layer}/${r.change.featureId ?? ''}`;
    if (r.before) shapes.push({ op: r.change.op, old: true, key, geometry: r.before });
    if (r.after && r.change.op !== 'retire') shapes.push({ op: r.change.op, old: false, key, geometry: r.after });
  }
  return shapes;
}

/** The change set as a table: what happens to which feature, its area before and after (approximate, on the sphere). */
export function diffTable(resolved: ResolvedChange[], remove?: (index: number) => void): HTMLElement {
  let removed = 0;
  let added = 0;
  const rows = resolved.map((r, i) => {
    const before = r.before ? approxAreaM2(r.before) : null;
    const after = r.change.op === 'retire' ? 0 : r.after ? approxAreaM2(r.after) : null;
    removed += before ?? 0;
    added += after ?? 0;
    return el(
      'tr',
      { class: `diff-row diff-row--${r.change.op}`, 'data-op': r.change.op, 'data-layer': r.change.layer, 'data-feature-id': r.change.featureId ?? '' },
      el('td', {}, el('span', { class: `op-chip op-chip--${r.change.op}` }, OP_LABELS[r.change.op] ?? r.change.op)),
      el('td', {}, r.change.layer),
      el('td', { class: 'diff-row__id' }, r.change.featureId ?? '—', r.problem ? el('span', { class: 'diff-row__problem' }, r.problem) : null),
      el('td', { class: 'num' }, r.change.op === 'add' ? '—' : r.before ? ha(before) : '?'),
      el('td', { class: 'num' }, r.change.op === 'retire' ? '—' : ha(after)),
      remove ? el('td', {}, removeButton(() => remove(i))) : null,
    );
  });
  return el(
    'table',
    { id: 'amendment-diff', class: 'case-table amendment-table' },
    el('caption', {}, `${resolved.length} change${resolved.length === 1 ? '' : 's'} · about ${ha(removed)} removed, ${ha(added)} added (approximate areas on the sphere; the balance sheet has the plan’s own)`),
    el('thead', {}, el('tr', {}, el('th', {}, 'Change · 操作'), el('th', {}, 'Layer · 图层'), el('th', {}, 'Feature · 要素'), el('th', { class: 'num' }, 'Before ≈'), el('th', { class: 'num' }, 'After ≈'), remove ? el('th', {}, '') : null)),
    el('tbody', {}, ...rows),
  );
}

function removeButton(onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'check-button diff-remove', title: 'Remove this change' }, '✕');
  b.addEventListener('click', onClick);
  return b;
}

/** The balance sheet: one line per rule and province, in hectares, with what blocks it. */
export function balanceTable(sheet: BalanceSheet, provinceName: (id: string) => string | null): HTMLElement {
  const verdict = sheet.ok
    ? el('p', { class: 'balance-verdict balance-verdict--ok' }, '✓ Balanced: every balance rule holds. · 平衡规则均满足')
    : el('p', { class: 'balance-verdict balance-verdict--blocked', role: 'alert' }, '✕ Blocked: a balance rule fails; approval is refused until the change set is balanced (or the coordination office overrides an overridable rule with a written reason). · 未满足平衡规则，不能批准');
  const lines = [...sheet.rules].sort((a, b) => Number(a.ok) - Number(b.ok) || a.id.localeCompare(b.id));
  return el(
    'section',
    { id: 'amendment-balance', class: `case-section balance balance--${sheet.ok ? 'ok' : 'blocked'}`, 'data-ok': String(sheet.ok), 'aria-labelledby': 'balance-title' },
    el('h3', { id: 'balance-title' }, 'Balance sheet · 平衡表'),
    verdict,
    lines.length === 0
      ? el('p', { class: 'case-list__empty' }, 'No balance rule concerns the layers this amendment changes. · 未涉及平衡规则')
      : el(
          'table',
          { class: 'case-table amendment-table' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Rule · 规则'), el('th', {}, 'Province · 省级'), el('th', { class: 'num' }, 'Before'), el('th', { class: 'num' }, 'After'), el('th', { class: 'num' }, 'Allowed'), el('th', {}, ''))),
          el(
            'tbody',
            {},
            ...lines.map((l) =>
              el(
                'tr',
                { class: `balance-line balance-line--${l.ok ? 'ok' : 'blocked'}`, 'data-rule': l.id, 'data-province': l.province ?? '', 'data-ok': String(l.ok) },
                el('td', {}, el('strong', {}, RULE_LABELS[l.id] ?? l.id), el('span', { class: 'balance-line__id' }, l.id), l.message ? el('span', { class: 'balance-line__message' }, l.message) : null,
                  l.features.length ? el('span', { class: 'balance-line__features' }, `Features: ${l.features.join(', ')}`) : null),
                el('td', {}, l.province ? (provinceName(l.province) ?? l.province) : '—'),
                el('td', { class: 'num' }, ha(l.before)),
                el('td', { class: 'num' }, ha(l.after)),
                el('td', { class: 'num' }, l.id === 'B4-valid-and-disjoint' ? '—' : ha(l.allowed)),
                el('td', {}, el('span', { class: `status-chip status-chip--${l.ok ? 'approved' : 'rejected'}` }, l.ok ? 'OK · 满足' : l.overridable ? 'Blocked (overridable) · 未满足' : 'Blocked · 未满足')),
              ),
            ),
          ),
        ),
    el('p', { class: 'check-hint' }, `Areas in hectares (the sheet is in ${sheet.unit ?? 'm²'} in the plan’s equal-area projection).`),
  );
}

/** The impact report: areas per layer and county, indicators before and after, checks and cases that change. */
export function impactSection(impact: Impact | null, problem: string | null): HTMLElement {
  const section = el('section', { id: 'amendment-impact', class: 'case-section', 'aria-labelledby': 'impact-title' }, el('h3', { id: 'impact-title' }, 'Impact · 影响评估'));
  if (!impact) {
    section.append(el('p', { class: 'case-list__empty' }, problem ?? 'Assessing the impact… · 正在评估'));
    return section;
  }
  const checksChanged = impact.checksChanged ?? impact.checks.length;
  section.dataset.state = 'ready';
  section.append(
    el(
      'ul',
      { class: 'impact-counts' },
      el('li', { 'data-count': 'checks' }, el('strong', {}, String(checksChanged)), ' stored checks change verdict or approvals · 项核查结果改变'),
      el('li', { 'data-count': 'cases' }, el('strong', {}, String(impact.casesChanged ?? impact.cases.length)), ' open or approved cases affected · 个案件受影响'),
      el('li', { 'data-count': 'rechecked' }, el('strong', {}, String(impact.rechecked ?? '—')), ' checks re-checked, ', el('strong', {}, String(impact.unchangedWithoutRecheck)), ' proven unchanged without re-checking'),
    ),
  );
  if (impact.areas.length) {
    section.append(
      el(
        'table',
        { class: 'case-table amendment-table impact-areas' },
        el('caption', {}, 'Area added and removed per layer and county · 各图层各县面积变化'),
        el('thead', {}, el('tr', {}, el('th', {}, 'Layer'), el('th', {}, 'County'), el('th', { class: 'num' }, 'Removed'), el('th', { class: 'num' }, 'Added'))),
        el('tbody', {}, ...impact.areas.map((a) => el('tr', {}, el('td', {}, a.layer), el('td', {}, [a.county, a.province].filter(Boolean).join(' · ') || '—'), el('td', { class: 'num' }, ha(a.removedM2)), el('td', { class: 'num' }, ha(a.addedM2))))),
      ),
    );
  }
  const moved = impact.indicators.filter((i) => i.before !== i.after);
  if (impact.indicators.length) {
    section.append(
      el(
        'table',
        { class: 'case-table amendment-table impact-indicators' },
        el('caption', {}, `Indicators before → after · 指标变化 (${moved.length} of ${impact.indicators.length} change)`),
        el('thead', {}, el('tr', {}, el('th', {}, 'Indicator'), el('th', {}, 'Scope'), el('th', { class: 'num' }, 'Before'), el('th', { class: 'num' }, 'After'))),
        el('tbody', {}, ...(moved.length ? moved : impact.indicators.slice(0, 8)).map((i) => el('tr', { class: i.before !== i.after ? 'is-changed' : '' }, el('td', {}, i.indicator), el('td', {}, i.scope), el('td', { class: 'num' }, num(i.before, i.unit)), el('td', { class: 'num' }, num(i.after, i.unit))))),
      ),
    );
  }
  if (impact.checks.length) {
    section.append(
      el(
        'table',
        { class: 'case-table amendment-table impact-checks' },
        el('caption', {}, 'Stored checks whose verdict or approvals change · 结果改变的核查'),
        el('thead', {}, el('tr', {}, el('th', {}, 'Check'), el('th', {}, 'Verdict before → after'), el('th', {}, 'Rules'))),
        el('tbody', {}, ...impact.checks.map((c) => el('tr', {}, el('td', {}, c.checkId), el('td', {}, `${c.verdictBefore} → ${c.verdictAfter}`), el('td', {}, (c.rules ?? []).join(', '))))),
      ),
    );
  }
  if (impact.cases.length) {
    section.append(
      el('ul', { class: 'impact-cases' }, ...impact.cases.map((c) => el('li', {}, el('a', { href: `./cases.html#${encodeURIComponent(c.caseId)}` }, c.title), ` (${c.status}): ${c.verdictBefore} → ${c.verdictAfter}`))),
    );
  }
  if (impact.adjacent?.length) {
    section.append(
      el('details', { class: 'impact-adjacent' }, el('summary', {}, `${impact.adjacent.length} features of other layers newly overlapped or touched · 新增相邻或重叠`),
        el('ul', {}, ...impact.adjacent.slice(0, 200).map((a) => el('li', {}, `${a.feature} ${a.relation} ${a.other}${a.overlapM2 ? ` (${ha(a.overlapM2)})` : ''}`)))),
    );
  }
  return section;
}

function num(v: number | null, unit: string | null | undefined): string {
  if (v === null || v === undefined) return '—';
  const s = Math.abs(v) >= 100 ? v.toLocaleString('en', { maximumFractionDigits: 0 }) : v.toLocaleString('en', { maximumFractionDigits: 3 });
  return unit ? `${s} ${unit}` : s;
}
