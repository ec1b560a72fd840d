// The lists beside a case: a reviewer's inbox (the cases waiting for their decision, soonest due first) and all the
// cases they may see; a proponent's own cases. Each line links to cases.html#<case id>.
//
// Hooks: #case-tabs button[data-tab] (inbox | all | mine), #case-list[data-tab][data-state],
// a.case-item[data-case-id][data-status] with .badge[data-badge] (due-soon | overdue | escalated).

import { el } from '../dom';
import type { Account } from '../account';
import { listCases, type CaseSummary } from './api';
import { dueBadges, isUnauthorised, problemBox, statusChip, verdictChip, whenElement } from './format';

export type Tab = 'inbox' | 'all' | 'mine';

export interface ListContext {
  jurisdictionName(id: string): string | null;
  categoryName(id: string): string | null;
  unauthorised(): void;
}

const TAB_LABELS: Record<Tab, string> = { inbox: 'Inbox · 待办', all: 'All my cases · 全部', mine: 'My cases · 我的项目' };

export function tabsFor(account: Account): Tab[] {
  if (account.role === 'proponent') return ['mine'];
  if (account.role === 'administrator') return ['all'];
  return ['inbox', 'all'];
}

export class CaseLists {
  private tab: Tab = 'inbox';
  private tabs: Tab[] = [];
  private selected: string | null = null;
  private request = 0;

  constructor(
    private readonly tabHost: HTMLElement,
    private readonly listHost: HTMLElement,
    private readonly ctx: ListContext,
  ) {}

  show(account: Account): void {
    this.tabs = tabsFor(account);
    if (!this.tabs.includes(this.tab)) this.tab = this.tabs[0]!;
    this.renderTabs();
    void this.reload();
  }

  clear(): void {
    this.tabHost.replaceChildren();
    this.listHost.replaceChildren();
    delete this.listHost.dataset.state;
  }

  /** Marks the case being viewed. */
  select(id: string | null): void {
    this.selected = id;
    for (const a of this.listHost.querySelectorAll<HTMLElement>('.case-item')) a.classList.toggle('is-selected', a.dataset.caseId === id);
  }

  async reload(): Promise<void> {
    const tab = this.tab;
    const request = ++this.request;
    this.listHost.dataset.tab = tab;
    this.listHost.dataset.state = 'loading';
    if (!this.listHost.hasChildNodes()) this.listHost.append(el('p', { class: 'case-list__empty' }, 'Loading… · 正在加载'));
    try {
      const cases = await listCases(tab === 'inbox');
      if (request !== this.request) return;
      this.render(tab, cases);
      this.listHost.dataset.state = 'ready';
    } catch (e) {
      if (request !== this.request) return;
      this.listHost.dataset.state = 'error';
      this.listHost.replaceChildren(problemBox('case-list-error', 'The cases could not be loaded · 无法加载案件', e));
      if (isUnauthorised(e)) this.ctx.unauthorised();
    }
  }

  private renderTabs(): void {
    const buttons = this.tabs.map((t) => {
      const b = el('button', { type: 'button', class: 'case-tab', role: 'tab', 'data-tab': t, id: `tab-${t}`, 'aria-selected': String(t === this.tab) }, TAB_LABELS[t]);
      b.addEventListener('click', () => {
        this.tab = t;
        this.renderTabs();
        void this.reload();
      });
      return b;
    });
    this.tabHost.replaceChildren(...(buttons.length > 1 ? buttons : [el('h2', { class: 'case-tab case-tab--only', 'data-tab': this.tabs[0] }, TAB_LABELS[this.tabs[0]!])]));
  }

  private render(tab: Tab, cases: CaseSummary[]): void {
    const due = (c: CaseSummary) => Math.min(...c.tasksForYou.map((t) => Date.parse(t.dueAt)).filter(Number.isFinite), Number.POSITIVE_INFINITY);
    const sorted =
      tab === 'inbox'
        ? [...cases].sort((a, b) => due(a) - due(b) || a.openedAt.localeCompare(b.openedAt))
        : [...cases].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    if (sorted.length === 0) {
      const empty = tab === 'inbox' ? 'Nothing waits for your decision. · 暂无待办' : tab === 'mine' ? 'You have submitted no project yet. · 尚未提交项目'
        : 'No cases yet. Proponents submit projects here (or POST /cases); each is checked and routed to the reviewers it concerns, and plan amendments come here as cases too. Accounts: `metrocircle users add`. · 暂无案件';
      this.listHost.replaceChildren(el('p', { class: 'case-list__empty' }, empty));
      return;
    }
    this.listHost.replaceChildren(el('ul', { class: 'case-list__items' }, ...sorted.map((c) => el('li', {}, this.item(c, tab)))));
    this.select(this.selected);
  }

  private item(c: CaseSummary, tab: Tab): HTMLElement {
    const places = c.provinces.map((p) => this.ctx.jurisdictionName(p) ?? p).join(' · ');
    const mine = c.tasksForYou;
    const first = [...mine].sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
    const badges = mine.flatMap((t) => dueBadges(t));
    const unique = badges.filter((b, i) => badges.findIndex((x) => x.dataset.badge === b.dataset.badge) === i);
    return el(
      'a',
      { class: 'case-item', href: `#${c.id}`, 'data-case-id': c.id, 'data-status': c.status },
      el('span', { class: 'case-item__head' }, el('span', { class: 'case-item__title' }, c.title), statusChip(c.status)),
      el(
        'span',
        { class: 'case-item__meta' },
        verdictChip(c.verdict),
        el('span', {}, this.ctx.categoryName(c.category) ?? c.category),
        places ? el('span', {}, places) : null,
        c.revision > 1 ? el('span', {}, `revision ${c.revision}`) : null,
      ),
      first
        ? el('span', { class: 'case-item__due' }, el('span', {}, `${mine.length > 1 ? `${mine.length} tasks, first due` : 'Due'} · 截止 `), whenElement(first.dueAt), ...unique)
        : el(
            'span',
            { class: 'case-item__due' },
            tab === 'mine' ? `${c.openTasks} open ${c.openTasks === 1 ? 'review' : 'reviews'} · ` : `${c.proponent} · `,
            el('span', {}, 'updated '),
            whenElement(c.updatedAt),
          ),
    );
  }
}
