// Words, dates, chips and problems as the cases page shows them.

import { ApiError } from '../api';
import { el } from '../dom';
import { VERDICT_LABELS } from '../check/verdict';

export const STATUS_LABELS: Record<string, string> = {
  'under-review': 'Under review · 审查中',
  'changes-requested': 'Changes requested · 需修改',
  approved: 'Approved · 已批准',
  rejected: 'Rejected · 已驳回',
  withdrawn: 'Withdrawn · 已撤回',
  open: 'Open · 待审',
  closed: 'Closed · 已关闭',
};

export const DECISION_LABELS: Record<string, string> = {
  approve: 'Approved · 同意',
  reject: 'Rejected · 不同意',
  'request-changes': 'Changes requested · 要求修改',
};

export const KIND_LABELS: Record<string, string> = {
  jurisdiction: 'Jurisdiction · 属地',
  department: 'Department · 部门',
  coordination: 'Coordination office · 协调办公室',
};

export function cls(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

export function statusChip(status: string, id?: string): HTMLElement {
  return el('span', { class: `status-chip status-chip--${cls(status)}`, 'data-status': status, id }, STATUS_LABELS[status] ?? status);
}

export function verdictChip(verdict: string, id?: string): HTMLElement {
  const v = VERDICT_LABELS[verdict];
  return el('span', { class: `verdict-chip verdict-chip--${cls(verdict)}`, 'data-verdict': verdict, id, title: v?.meaning }, v ? `${v.en} · ${v.zh}` : verdict);
}

/** The due-soon / overdue / escalated badges of a task. */
export function dueBadges(t: { dueSoon: boolean; overdue: boolean; escalated: boolean }): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (t.overdue) out.push(el('span', { class: 'badge badge--overdue', 'data-badge': 'overdue' }, 'Overdue · 已逾期'));
  else if (t.dueSoon) out.push(el('span', { class: 'badge badge--due-soon', 'data-badge': 'due-soon' }, 'Due soon · 即将到期'));
  if (t.escalated) out.push(el('span', { class: 'badge badge--escalated', 'data-badge': 'escalated' }, 'Escalated · 已上报'));
  return out;
}

/** A date and time in the reader's zone, e.g. "2026-12-21 14:40". */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function whenElement(iso: string | null | undefined, cssClass = 'when'): HTMLTimeElement {
  return el('time', { class: cssClass, datetime: iso ?? undefined, title: iso ?? undefined }, when(iso));
}

export function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} B`;
}

/** A problem for the person: the server's title and detail, and what a conflict says changed meanwhile. */
export function problemBox(id: string, title: string, error: unknown): HTMLElement {
  const box = el('div', { id, class: 'check-error case-problem', role: 'alert' });
  if (error instanceof ApiError && error.problem) {
    const p = error.problem;
    box.dataset.status = String(error.status ?? '');
    box.append(el('strong', {}, p.title ?? title), el('p', {}, p.detail ?? error.message));
    const raw = p.raw ?? {};
    const facts = [
      typeof raw.caseStatus === 'string' ? `The case is now ${STATUS_LABELS[raw.caseStatus] ?? raw.caseStatus}` : null,
      typeof raw.currentRevision === 'number' ? `at revision ${raw.currentRevision}` : null,
    ].filter(Boolean);
    if (facts.length) box.append(el('p', {}, `${facts.join(', ')}.`));
    if (Array.isArray(raw.recent) && raw.recent.length > 0) {
      box.append(
        el('p', {}, 'Latest events · 最新动态:'),
        el(
          'ul',
          { class: 'case-problem__recent' },
          ...(raw.recent as { at?: string; actor?: string; action?: string; revision?: number; detail?: string }[]).map((e) =>
            el('li', {}, `${when(e.at)} · ${e.actor ?? ''} · ${e.action ?? ''}${e.revision ? ` (revision ${e.revision})` : ''}${e.detail ? `: ${e.detail}` : ''}`),
          ),
        ),
      );
    }
  } else {
    box.append(el('strong', {}, title), el('p', {}, error instanceof Error ? error.message : String(error)));
  }
  return box;
}

export function isUnauthorised(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}
