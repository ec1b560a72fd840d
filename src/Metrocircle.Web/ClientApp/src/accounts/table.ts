// The accounts as a table, filtered by a search box: who, role, jurisdiction, department, state and when created, with
// Disable/Enable and Reset password per row. An administrator cannot disable their own account (the server says so too).

import { ROLE_LABELS } from '../account';
import { ApiError } from '../api';
import { el } from '../dom';
import { disableAccount, enableAccount, resetPassword, type AccountView, type Level, type OneTimePassword, type Place } from './api';

/** Rows shown at once; "Show more" adds as many again. */
const PAGE = 100;

export interface TableHost {
  self: string;
  places: Map<Level, Place[]>;
  departments: Map<string, string>;
  say(text: string, bad?: boolean): void;
  oneTime(p: OneTimePassword, what: string): void;
  changed(): void;
}

export class AccountTable {
  readonly element = el('div', { class: 'accounts-table-wrap' });
  readonly filter = el('input', { id: 'accounts-filter', type: 'search', placeholder: 'Filter: name, role, jurisdiction, state · 筛选', 'aria-label': 'Filter the accounts' });
  private readonly names = new Map<string, string>();
  private accounts: AccountView[] = [];
  private shown = PAGE;

  constructor(private readonly host: TableHost) {
    for (const list of host.places.values()) for (const p of list) this.names.set(p.id, p.name);
    this.filter.addEventListener('input', () => {
      this.shown = PAGE;
      this.render();
    });
  }

  show(accounts: AccountView[]): void {
    this.accounts = [...accounts].sort((a, b) => a.userName.localeCompare(b.userName));
    this.render();
  }

  private state(a: AccountView): string {
    return a.disabled ? 'disabled' : a.mustChangePassword ? 'one-time' : 'active';
  }

  private render(): void {
    const words = this.filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const matching = this.accounts.filter((a) => {
      const hay = [a.userName, a.displayName, a.role, ROLE_LABELS[a.role], a.jurisdiction, a.jurisdiction ? this.names.get(a.jurisdiction) : null, a.department, this.state(a)]
        .filter(Boolean)
        .join(' ')
        .toLowerCase();
      return words.every((w) => hay.includes(w));
    });
    const body = el('tbody', {});
    for (const a of matching.slice(0, this.shown)) body.append(this.row(a));
    const table = el(
      'table',
      { id: 'accounts-table', class: 'accounts-table' },
      el('thead', {}, el('tr', {}, ...['Account · 账户', 'Role · 角色', 'Jurisdiction · 辖区', 'Department · 部门', 'State · 状态', 'Created · 创建', ''].map((h) => el('th', { scope: 'col' }, h)))),
      body,
    );
    const more = el('button', { type: 'button', class: 'check-button' }, `Show more (${matching.length - this.shown} left) · 显示更多`);
    more.addEventListener('click', () => {
      this.shown += PAGE;
      this.render();
    });
    this.element.replaceChildren(el('p', { class: 'accounts-count' }, `${matching.length} of ${this.accounts.length} accounts`), table);
    if (matching.length > this.shown) this.element.append(more);
    if (matching.length === 0) this.element.append(el('p', { class: 'accounts-empty' }, this.accounts.length ? 'No account matches the filter.' : 'No accounts yet.'));
  }

  private row(a: AccountView): HTMLTableRowElement {
    const state = this.state(a);
    const stateLabel = { disabled: 'Disabled · 已停用', 'one-time': 'One-time password · 待改密', active: 'Active · 正常' }[state];
    const where = a.jurisdiction ? el('span', { title: a.jurisdiction }, this.names.get(a.jurisdiction) ?? a.jurisdiction) : '—';
    const department = a.department ? (this.host.departments.get(a.department) ?? a.department) : '—';
    const toggle = el('button', { type: 'button', class: 'check-button account-toggle', 'data-action': a.disabled ? 'enable' : 'disable' }, a.disabled ? 'Enable · 启用' : 'Disable · 停用');
    const reset = el('button', { type: 'button', class: 'check-button account-reset', 'data-action': 'reset' }, 'Reset password · 重置密码');
    if (a.userName === this.host.self) {
      toggle.disabled = true;
      toggle.title = 'You cannot disable your own account; another administrator can.';
    }
    toggle.addEventListener('click', () => void this.toggle(a, toggle));
    reset.addEventListener('click', () => void this.reset(a, reset));
    return el(
      'tr',
      { class: 'account-row', 'data-user': a.userName, 'data-disabled': String(a.disabled), 'data-state': state, 'data-role': a.role },
      el('td', {}, el('strong', {}, a.displayName || a.userName), a.displayName && a.displayName !== a.userName ? el('span', { class: 'account-row__user' }, a.userName) : null),
      el('td', {}, ROLE_LABELS[a.role] ?? a.role),
      el('td', {}, where),
      el('td', {}, department),
      el('td', {}, el('span', { class: `account-state account-state--${state}` }, stateLabel)),
      el('td', { class: 'account-row__date' }, a.createdAt.slice(0, 10)),
      el('td', { class: 'account-row__actions' }, toggle, reset),
    );
  }

  private async toggle(a: AccountView, button: HTMLButtonElement): Promise<void> {
    if (!a.disabled && !confirm(`Disable ${a.userName}? Their sessions end at once and they cannot sign in until enabled again.`)) return;
    button.disabled = true;
    try {
      const done = a.disabled ? await enableAccount(a.userName) : await disableAccount(a.userName);
      this.host.say(done.disabled ? `Disabled ${a.userName}; their sessions have ended.` : `Enabled ${a.userName}; they sign in with their password as before.`);
      this.host.changed();
    } catch (e) {
      this.host.say(`${a.userName}: ${e instanceof ApiError || e instanceof Error ? e.message : String(e)}`, true);
      button.disabled = false;
    }
  }

  private async reset(a: AccountView, button: HTMLButtonElement): Promise<void> {
    if (!confirm(`Reset the password of ${a.userName}? Their sessions end and the old password stops working.`)) return;
    button.disabled = true;
    try {
      this.host.oneTime(await resetPassword(a.userName), 'Password reset');
      this.host.say(`Reset the password of ${a.userName}; their sessions have ended.`);
      this.host.changed();
    } catch (e) {
      this.host.say(`${a.userName}: ${e instanceof ApiError || e instanceof Error ? e.message : String(e)}`, true);
    } finally {
      button.disabled = false;
    }
  }
}
