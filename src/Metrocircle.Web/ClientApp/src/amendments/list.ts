// The list of amendments beside the page: title, status, effective date, balance, case — public, so it shows
// signed out too (drafts only to their proposer and the office).
//
// Hooks: #amendment-list[data-state] (loading | ready | error), a.amendment-item[data-amendment-id][data-status]
// [data-balance] (ok | blocked), .amendment-list__empty when there is none.

import { el } from '../dom';
import { cls } from '../cases/format';
import { balanceOf, listAmendments, type Amendment } from './api';

export const AMENDMENT_STATUS: Record<string, string> = {
  draft: 'Draft · 草稿',
  'public-notice': 'Public notice · 公示中',
  review: 'Review · 审查中',
  approved: 'Approved · 已批准',
  'in-force': 'In force · 已生效',
  rejected: 'Rejected · 已驳回',
  withdrawn: 'Withdrawn · 已撤回',
};

export function amendmentStatusChip(status: string, id?: string): HTMLElement {
  return el('span', { class: `status-chip status-chip--${cls(status)}`, 'data-status': status, id }, AMENDMENT_STATUS[status] ?? status);
}

export function balanceChip(ok: boolean): HTMLElement {
  return el('span', { class: `badge balance-chip balance-chip--${ok ? 'ok' : 'blocked'}`, 'data-balance': ok ? 'ok' : 'blocked' }, ok ? 'Balanced · 平衡' : 'Blocked · 未平衡');
}

export class AmendmentList {
  private selected: string | null = null;

  constructor(private readonly host: HTMLElement) {
    host.id = 'amendment-list';
  }

  async reload(): Promise<void> {
    this.host.dataset.state = 'loading';
    try {
      const list = await listAmendments();
      this.render(list);
      this.host.dataset.state = 'ready';
    } catch (e) {
      this.host.replaceChildren(el('p', { class: 'check-error', role: 'alert' }, `The amendments could not be loaded: ${e instanceof Error ? e.message : String(e)}`));
      this.host.dataset.state = 'error';
    }
  }

  select(id: string | null): void {
    this.selected = id;
    for (const a of this.host.querySelectorAll<HTMLElement>('a.amendment-item')) a.classList.toggle('is-selected', a.dataset.amendmentId === id);
  }

  private render(list: Amendment[]): void {
    if (list.length === 0) {
      this.host.replaceChildren(
        el(
          'div',
          { class: 'case-list__empty amendment-list__empty' },
          el('p', {}, 'No amendment of the plan has been proposed yet. · 暂无规划修改'),
          el('p', {}, 'When a reviewer or the coordination office proposes one, it is listed here during its public notice, with its map, balance sheet and impact; anyone may then comment on it.'),
        ),
      );
      return;
    }
    this.host.replaceChildren(
      ...list.map((a) => {
        const ok = balanceOf(a).ok;
        return el(
          'a',
          {
            class: `case-item amendment-item${a.id === this.selected ? ' is-selected' : ''}`,
            href: `./amendments.html?id=${encodeURIComponent(a.id)}`,
            'data-amendment-id': a.id,
            'data-status': a.status,
            'data-balance': ok ? 'ok' : 'blocked',
          },
          el('span', { class: 'case-item__title' }, a.title),
          el('span', { class: 'case-item__meta' }, amendmentStatusChip(a.status), balanceChip(ok)),
          el(
            'span',
            { class: 'case-item__sub' },
            `In force from ${a.effectiveFrom}`,
            a.caseId ? ` · case ${a.caseId}` : '',
            a.layers.length ? ` · ${a.layers.map((l) => `${l.layer} +${l.added} ~${l.changed} −${l.retired}`).join(', ')}` : '',
          ),
        );
      }),
    );
  }
}
