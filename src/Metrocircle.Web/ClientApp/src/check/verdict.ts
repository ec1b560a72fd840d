// The verdict of a check as the panel shows it: a coloured badge, where the footprint lies, what it overlaps,
// each rule's outcome, the approvals it needs, edge contacts and a link to the full report.

import { el } from '../dom';
import { reportUrl, type CheckResult, type Overlap, type RuleResult, type Share } from './api';

export const VERDICT_LABELS: Record<string, { en: string; zh: string; meaning: string }> = {
  aligned: { en: 'Aligned', zh: '符合规划', meaning: 'no rule stands in the way' },
  conditional: { en: 'Conditional', zh: '有条件符合', meaning: 'possible with the approvals or justifications listed' },
  'not-aligned': { en: 'Not aligned', zh: '不符合规划', meaning: 'a rule forbids this project here' },
};

const OUTCOMES: Record<string, { en: string; zh: string; rank: number }> = {
  fail: { en: 'Fail', zh: '不通过', rank: 0 },
  'needs-approval': { en: 'Needs approval', zh: '需审批', rank: 1 },
  warn: { en: 'Warning', zh: '提示', rank: 2 },
  pass: { en: 'Pass', zh: '通过', rank: 3 },
};

export interface VerdictContext {
  /** The bilingual title of a collection, if the page knows it. */
  layerTitle(id: string): string | null;
  /** Called when a person picks an overlap row, to bring those features into view. */
  focusOverlap(layer: string): void;
}

export function renderVerdict(r: CheckResult, ctx: VerdictContext): HTMLElement {
  const label = VERDICT_LABELS[r.verdict] ?? { en: r.verdict, zh: '', meaning: '' };
  const badge = el(
    'span',
    { id: 'check-verdict', class: `verdict-badge verdict-badge--${cls(r.verdict)}`, 'data-verdict': r.verdict, title: label.meaning },
    [label.en, label.zh].filter(Boolean).join(' · '),
  );
  const head = el(
    'div',
    { class: 'check-result__head' },
    badge,
    el('span', { class: 'check-result__what' }, [r.categoryName ?? r.category, r.areaHa !== undefined ? `${formatHa(r.areaHa)}` : null, r.bufferM ? `buffer ${r.bufferM} m` : null].filter(Boolean).join(' · ')),
  );
  const parts: (HTMLElement | null)[] = [
    head,
    label.meaning ? el('p', { class: 'check-result__meaning' }, label.meaning) : null,
    where(r),
    overlaps(r.overlaps ?? [], ctx),
    rules(r.rules ?? []),
    approvals(r),
    edges(r),
    el(
      'p',
      { class: 'check-result__report' },
      el('a', { id: 'check-report', href: reportUrl(r.id), target: '_blank', rel: 'noopener' }, 'Open the report · 查看核查报告'),
    ),
    el('p', { class: 'check-result__meta' }, [r.id, r.planVersion ? `plan ${r.planVersion}` : null, r.rulesVersion ? `rules ${r.rulesVersion}` : null].filter(Boolean).join(' · ')),
  ];
  return el('div', { id: 'check-result', class: 'check-result', 'data-check-id': r.id }, ...parts);
}

function section(cls: string, zh: string, en: string, ...children: (Node | null)[]): HTMLElement {
  return el('section', { class: `check-result__section ${cls}` }, el('h3', {}, `${en} · ${zh}`), ...children);
}

function where(r: CheckResult): HTMLElement | null {
  const groups: [string, Share[] | undefined][] = [
    ['Provinces · 省级', r.provinces],
    ['Counties · 县区', r.jurisdictions],
    ['Circles · 圈层', r.circles],
  ];
  const blocks = groups
    .filter(([, list]) => list && list.length > 0)
    .map(([title, list]) => el('div', { class: 'share-group' }, el('h4', {}, title), el('ul', { class: 'share-list' }, ...list!.map(shareItem))));
  if (blocks.length === 0) return null;
  return section('check-result__where', '所在区域', 'Where', ...blocks);
}

function shareItem(s: Share): HTMLLIElement {
  const name = [s.name, s.nameEn].filter(Boolean).join(' ') || s.id;
  return el(
    'li',
    { 'data-layer': s.layer, 'data-id': s.id },
    el('span', { class: 'share-list__name' }, name),
    shareBar(s.share),
    el('span', { class: 'share-list__value' }, percent(s.share)),
  );
}

function shareBar(share: number): HTMLElement {
  const bar = el('span', { class: 'share-bar', 'aria-hidden': 'true' }, el('span', {}));
  (bar.firstChild as HTMLElement).style.width = `${Math.max(0, Math.min(1, share)) * 100}%`;
  return bar;
}

function overlaps(list: Overlap[], ctx: VerdictContext): HTMLElement {
  if (list.length === 0) return section('check-result__overlaps', '重叠', 'Overlaps', el('p', { class: 'check-result__none' }, 'No plan layer overlaps the footprint. · 无重叠'));
  const rows = list.map((o) => {
    const title = ctx.layerTitle(o.layer) ?? o.title ?? o.layer;
    const button = el(
      'button',
      { type: 'button', class: 'overlap-item', 'data-layer': o.layer, title: 'Show on the map' },
      el('span', { class: 'overlap-item__title' }, title),
      el('span', { class: 'overlap-item__count' }, `${o.featureIds.length} ${o.featureIds.length === 1 ? 'feature' : 'features'}`),
      el('span', { class: 'overlap-item__area' }, `${formatHa(o.areaHa)} · ${percent(o.share)}`),
    );
    button.addEventListener('click', () => ctx.focusOverlap(o.layer));
    return el('li', {}, button);
  });
  return section('check-result__overlaps', '重叠', 'Overlaps', el('ul', { class: 'overlap-list' }, ...rows), el('p', { class: 'check-result__note', id: 'check-overlap-note' }));
}

function rules(list: RuleResult[]): HTMLElement | null {
  if (list.length === 0) return null;
  const sorted = [...list].sort((a, b) => rank(a.outcome) - rank(b.outcome));
  const notable = sorted.filter((r) => r.outcome !== 'pass');
  const passed = sorted.filter((r) => r.outcome === 'pass');
  const items = notable.map(ruleItem);
  const rest = passed.length
    ? el('details', { class: 'rule-passed' }, el('summary', {}, `${passed.length} ${passed.length === 1 ? 'rule passes' : 'rules pass'} · 通过`), el('ol', { class: 'rule-list' }, ...passed.map(ruleItem)))
    : null;
  return section('check-result__rules', '规则', 'Rules', items.length ? el('ol', { class: 'rule-list' }, ...items) : null, rest);
}

function ruleItem(r: RuleResult): HTMLLIElement {
  const o = OUTCOMES[r.outcome] ?? { en: r.outcome, zh: '', rank: 9 };
  return el(
    'li',
    { class: `rule rule--${cls(r.outcome)}`, 'data-rule': r.id, 'data-outcome': r.outcome },
    el('div', { class: 'rule__head' }, el('span', { class: `outcome-chip outcome-chip--${cls(r.outcome)}` }, [o.en, o.zh].filter(Boolean).join(' · ')), el('span', { class: 'rule__title' }, r.title)),
    el('p', { class: 'rule__message' }, r.message),
    r.basis ? el('details', { class: 'rule__basis' }, el('summary', {}, `Basis · 依据 (${r.id})`), el('p', {}, r.basis)) : null,
  );
}

function approvals(r: CheckResult): HTMLElement | null {
  const list = r.approvals ?? [];
  if (list.length === 0) return null;
  return section(
    'check-result__approvals',
    '审批',
    'Approvals needed',
    el('ul', { class: 'approval-list' }, ...list.map((a) => el('li', {}, el('strong', {}, a.authority), el('span', { class: 'approval-list__rules' }, a.ruleIds.join(', '))))),
  );
}

function edges(r: CheckResult): HTMLElement | null {
  const list = r.edgeContacts ?? [];
  if (list.length === 0) return null;
  return section('check-result__edges', '边缘接触', 'Edge contacts', el('ul', { class: 'edge-list' }, ...list.map((e) => el('li', {}, typeof e.note === 'string' ? e.note : JSON.stringify(e)))));
}

function rank(outcome: string): number {
  return OUTCOMES[outcome]?.rank ?? 9;
}

function cls(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

export function percent(share: number): string {
  const p = share * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(0) : p >= 1 ? p.toFixed(1) : p.toFixed(2)}%`;
}

export function formatHa(ha: number): string {
  return ha >= 100 ? `${Math.round(ha).toLocaleString('en-US')} ha` : `${ha.toLocaleString('en-US', { maximumFractionDigits: 2 })} ha`;
}
