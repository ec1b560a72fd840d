// The sign-in control in the header of every page: who is signed in (name, role, jurisdiction) with "Sign out", or
// "Sign in" opening a small form. A one-time password is replaced on the spot, and the person is then signed in again
// with the new one (changing the password ends the session). The session is the server's HttpOnly cookie: this page
// never holds a token.
//
// Hooks: #account[data-state] (loading | anonymous | signed-in | must-change), body[data-account] = the user name
// ("" when nobody is signed in), #sign-in-open, #sign-in-form (#sign-in-user, #sign-in-password, #sign-in-submit,
// #sign-in-error), #password-form (#password-current, #password-new, #password-again, #password-submit,
// #password-error), #account-who, #sign-out.

import './account.css';
import { api, type Schemas } from './client';
import { el } from './dom';

/** The signed-in account as GET /auth/me describes it. */
export type Account = Schemas['AccountView'];

export const ROLE_LABELS: Record<string, string> = {
  administrator: 'Administrator · 管理员',
  'coordination-office': 'Coordination office · 协调办公室',
  reviewer: 'Reviewer · 审查',
  'national-reviewer': 'National reviewer · 国家级审查',
  proponent: 'Proponent · 申报单位',
};

type Listener = (account: Account | null) => void;

/** A request of the account control: the status and the JSON body (a problem's title and detail on failure). */
async function call<T>(request: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<{ status: number; data: T | undefined; problem: Record<string, unknown> }> {
  const { data, error, response } = await request();
  return { status: response.status, data, problem: error && typeof error === 'object' ? (error as Record<string, unknown>) : {} };
}

function problemText(json: Record<string, unknown>, fallback: string): string {
  const parts = [json.title, json.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.length ? parts.join(': ') : fallback;
}

export class AccountControl {
  account: Account | null = null;
  /** Settles once the page knows whether someone is signed in. */
  readonly ready: Promise<Account | null>;
  private readonly listeners: Listener[] = [];
  private known = false;
  private jurisdictionName: (id: string) => string | null = () => null;
  /** The one-time password just used, so that the new-password form need not ask for it again. */
  private oneTime: { userName: string; password: string } | null = null;

  private readonly openButton = el('button', { type: 'button', id: 'sign-in-open', class: 'account__button' }, 'Sign in · 登录');
  private readonly who = el('span', { id: 'account-who', class: 'account__who' });
  private readonly signOutButton = el('button', { type: 'button', id: 'sign-out', class: 'account__button account__button--quiet' }, 'Sign out · 退出');
  private readonly why = el('p', { class: 'account__why', hidden: '' });
  private readonly user = el('input', { id: 'sign-in-user', name: 'userName', autocomplete: 'username', required: '', spellcheck: 'false' });
  private readonly password = el('input', { id: 'sign-in-password', name: 'password', type: 'password', autocomplete: 'current-password', required: '' });
  private readonly signInError = el('p', { id: 'sign-in-error', class: 'account__error', role: 'alert', hidden: '' });
  private readonly signInSubmit = el('button', { type: 'submit', id: 'sign-in-submit', class: 'account__button account__button--primary' }, 'Sign in · 登录');
  private readonly signInForm: HTMLFormElement;
  private readonly current = el('input', { id: 'password-current', type: 'password', autocomplete: 'current-password' });
  private readonly currentRow: HTMLElement;
  private readonly fresh = el('input', { id: 'password-new', type: 'password', autocomplete: 'new-password', required: '', minlength: '12' });
  private readonly again = el('input', { id: 'password-again', type: 'password', autocomplete: 'new-password', required: '' });
  private readonly passwordError = el('p', { id: 'password-error', class: 'account__error', role: 'alert', hidden: '' });
  private readonly passwordSubmit = el('button', { type: 'submit', id: 'password-submit', class: 'account__button account__button--primary' }, 'Set password · 设置密码');
  private readonly passwordForm: HTMLFormElement;

  constructor(private readonly root: HTMLElement) {
    root.classList.add('account');
    const cancel = () => el('button', { type: 'button', class: 'account__button account__button--quiet', 'data-cancel': '' }, 'Cancel · 取消');
    this.signInForm = el(
      'form',
      { id: 'sign-in-form', class: 'account__panel', hidden: '', 'aria-label': 'Sign in' },
      el('h2', {}, 'Sign in · 登录'),
      this.why,
      el('label', {}, el('span', {}, 'User name · 用户名'), this.user),
      el('label', {}, el('span', {}, 'Password · 密码'), this.password),
      this.signInError,
      el('div', { class: 'account__actions' }, this.signInSubmit, cancel()),
    );
    this.currentRow = el('label', {}, el('span', {}, 'One-time password · 临时密码'), this.current);
    this.passwordForm = el(
      'form',
      { id: 'password-form', class: 'account__panel', hidden: '', 'aria-label': 'Choose a new password' },
      el('h2', {}, 'Choose a new password · 设置新密码'),
      el('p', { class: 'account__why' }, 'This account has a one-time password. Choose your own (at least 12 characters); you are then signed in with it.'),
      this.currentRow,
      el('label', {}, el('span', {}, 'New password · 新密码'), this.fresh),
      el('label', {}, el('span', {}, 'Again · 再次输入'), this.again),
      this.passwordError,
      el('div', { class: 'account__actions' }, this.passwordSubmit, cancel()),
    );
    root.replaceChildren(this.openButton, this.who, this.signOutButton, this.signInForm, this.passwordForm);

    this.openButton.addEventListener('click', () => this.open());
    this.signOutButton.addEventListener('click', () => void this.signOut());
    this.signInForm.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.signIn(this.user.value.trim(), this.password.value);
    });
    this.passwordForm.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.changePassword();
    });
    for (const b of root.querySelectorAll<HTMLButtonElement>('[data-cancel]')) b.addEventListener('click', () => this.close());
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen) this.close();
    });
    document.addEventListener('pointerdown', (e) => {
      if (this.isOpen && !root.contains(e.target as Node)) this.close();
    });
    this.render();
    this.ready = this.refresh();
  }

  /** Calls `listener` on every sign-in and sign-out, and once when the page first knows who is signed in. */
  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Bilingual names for jurisdiction ids, once a page has loaded them from the plan. */
  setJurisdictionNames(name: (id: string) => string | null): void {
    this.jurisdictionName = name;
    this.render();
  }

  /** Asks the server who is signed in (after a 401, a page calls this to find out whether the session ended). */
  async refresh(): Promise<Account | null> {
    try {
      const { status, data } = await call(() => api.GET('/auth/me'));
      this.set(status === 200 && data ? data : null);
    } catch {
      this.set(null);
    }
    if (this.account?.mustChangePassword) this.openPassword();
    return this.account;
  }

  /** Opens the sign-in form, with a line saying why it is needed. */
  open(why?: string): void {
    if (this.account?.mustChangePassword) {
      this.openPassword();
      return;
    }
    this.passwordForm.hidden = true;
    this.why.textContent = why ?? '';
    this.why.hidden = !why;
    this.signInError.hidden = true;
    this.signInForm.hidden = false;
    (this.user.value ? this.password : this.user).focus();
  }

  close(): void {
    this.signInForm.hidden = true;
    this.passwordForm.hidden = true;
  }

  private get isOpen(): boolean {
    return !this.signInForm.hidden || !this.passwordForm.hidden;
  }

  private openPassword(): void {
    this.signInForm.hidden = true;
    this.currentRow.hidden = this.oneTime !== null;
    this.current.required = this.oneTime === null;
    this.passwordError.hidden = true;
    this.passwordForm.hidden = false;
    (this.oneTime ? this.fresh : this.current).focus();
  }

  private async signIn(userName: string, password: string): Promise<void> {
    this.signInSubmit.disabled = true;
    this.signInError.hidden = true;
    try {
      const { status, data, problem } = await call(() => api.POST('/auth/sign-in', { body: { userName, password, cookie: true } }));
      if (status !== 200 || !data) {
        this.fail(this.signInError, problemText(problem, `Sign-in failed (HTTP ${status}).`));
        return;
      }
      this.password.value = '';
      const account = data.account;
      if (account.mustChangePassword) {
        this.oneTime = { userName: account.userName, password };
        this.set(account);
        this.openPassword();
        return;
      }
      this.oneTime = null;
      this.close();
      this.set(account);
    } catch (e) {
      this.fail(this.signInError, `The server could not be reached (${e instanceof Error ? e.message : String(e)}).`);
    } finally {
      this.signInSubmit.disabled = false;
    }
  }

  private async changePassword(): Promise<void> {
    if (this.fresh.value !== this.again.value) {
      this.fail(this.passwordError, 'The two new passwords differ. · 两次输入的密码不一致');
      return;
    }
    const userName = this.oneTime?.userName ?? this.account?.userName;
    const currentPassword = this.oneTime?.password ?? this.current.value;
    if (!userName) return;
    this.passwordSubmit.disabled = true;
    try {
      const { status, problem } = await call(() => api.POST('/auth/password', { body: { currentPassword, newPassword: this.fresh.value } }));
      if (status !== 204 && status !== 200) {
        this.fail(this.passwordError, problemText(problem, `The password was not changed (HTTP ${status}).`));
        return;
      }
      // changing the password ended the session: sign in again with the new one
      const newPassword = this.fresh.value;
      this.fresh.value = this.again.value = this.current.value = '';
      this.oneTime = null;
      this.passwordForm.hidden = true;
      this.user.value = userName;
      this.set(null);
      await this.signIn(userName, newPassword);
      if (!this.account) this.open('The password was changed; sign in with the new one.');
    } catch (e) {
      this.fail(this.passwordError, `The server could not be reached (${e instanceof Error ? e.message : String(e)}).`);
    } finally {
      this.passwordSubmit.disabled = false;
    }
  }

  private async signOut(): Promise<void> {
    this.signOutButton.disabled = true;
    try {
      await call(() => api.POST('/auth/sign-out'));
    } catch {
      // signed out locally either way; the next request will tell
    } finally {
      this.signOutButton.disabled = false;
    }
    this.oneTime = null;
    this.set(null);
  }

  private fail(where: HTMLElement, message: string): void {
    where.textContent = message;
    where.hidden = false;
  }

  private set(account: Account | null): void {
    const changed = !this.known || this.account?.userName !== account?.userName || this.account?.mustChangePassword !== account?.mustChangePassword;
    this.known = true;
    this.account = account;
    this.render();
    if (changed) for (const l of this.listeners) l(account);
  }

  private render(): void {
    const a = this.account;
    const state = !a ? 'anonymous' : a.mustChangePassword ? 'must-change' : 'signed-in';
    this.root.dataset.state = this.known ? state : 'loading';
    if (this.known) document.body.dataset.account = a && !a.mustChangePassword ? a.userName : '';
    this.openButton.hidden = !!a;
    // Links to pages only some roles can use (the accounts page) show for those roles.
    for (const link of document.querySelectorAll<HTMLElement>('[data-needs-role]')) {
      link.hidden = !a || a.mustChangePassword || link.dataset.needsRole !== a.role;
    }
    this.who.hidden = this.signOutButton.hidden = !a;
    if (!a) {
      this.who.replaceChildren();
      return;
    }
    this.root.dataset.role = a.role;
    const where = a.jurisdiction ? (this.jurisdictionName(a.jurisdiction) ?? a.jurisdiction) : null;
    const details = [ROLE_LABELS[a.role] ?? a.role, where, a.department].filter(Boolean).join(' · ');
    this.who.replaceChildren(el('strong', { class: 'account__name', title: a.userName }, a.displayName || a.userName), el('span', { class: 'account__role' }, details));
    this.who.title = `${a.userName}: ${details}`;
  }
}

/** Mounts the control on the page's #account element. */
export function mountAccount(): AccountControl {
  const host = document.getElementById('account');
  if (!host) throw new Error('The page has no #account element');
  return new AccountControl(host);
}
