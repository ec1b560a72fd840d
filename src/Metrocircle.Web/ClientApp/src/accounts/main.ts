// The accounts page (administrators): every account with its role, jurisdiction, department and state; adding an
// account with a role and a jurisdiction of the plan; disabling and enabling; resetting a password. A new or reset
// password is shown once, with a note, and is gone from the page when the panel is closed. Other people are told the
// page is for administrators; the server refuses them either way.
//
// Hooks: body[data-state] (loading | ready | error), body[data-account], #accounts-denied[data-reason] (anonymous |
// not-administrator), #accounts-admin, #accounts-table tr.account-row[data-user][data-disabled][data-state],
// #account-add-open, #account-add-form (#new-user, #new-display, #new-role, #new-jurisdiction, #new-department,
// #new-submit, #new-error), #one-time-panel (#one-time-user, #one-time-password, #one-time-note, #one-time-done),
// #accounts-filter, #accounts-message.

import 'maplibre-gl/dist/maplibre-gl.css';
import '../app.css';
import '../cases/cases.css';
import './accounts.css';

import { mountAccount, ROLE_LABELS, type Account } from '../account';
import { byId, el } from '../dom';
import { ApiError } from '../api';
import { AddForm } from './form';
import { AccountTable } from './table';
import { listAccounts, loadDepartments, loadPlaces, type OneTimePassword } from './api';

const account = mountAccount();
const denied = byId('accounts-denied');
const admin = byId('accounts-admin');
const message = el('p', { id: 'accounts-message', class: 'accounts-message', role: 'status', hidden: '' });
const oneTime = el('section', { id: 'one-time-panel', class: 'one-time', hidden: '', 'aria-live': 'assertive' });
let table: AccountTable | null = null;
let form: AddForm | null = null;

function say(text: string, bad = false): void {
  message.textContent = text;
  message.classList.toggle('is-bad', bad);
  message.hidden = false;
}

function describe(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e);
}

/** Shows a one-time password until the administrator closes the panel; then it is removed from the page. */
function showOneTime(p: OneTimePassword, what: string): void {
  const password = el('output', { id: 'one-time-password', class: 'one-time__password' }, p.password);
  const copy = el('button', { type: 'button', class: 'check-button' }, 'Copy · 复制');
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(p.password).then(
      () => (copy.textContent = 'Copied · 已复制'),
      () => (copy.textContent = 'Select and copy it by hand'),
    );
  });
  const done = el('button', { type: 'button', id: 'one-time-done', class: 'check-button check-button--primary' }, 'I have passed it on — hide it · 已转交，隐藏');
  done.addEventListener('click', () => {
    oneTime.replaceChildren();
    oneTime.hidden = true;
  });
  oneTime.replaceChildren(
    el('h2', {}, `${what}: one-time password · 临时密码`),
    el('p', {}, 'Account ', el('strong', { id: 'one-time-user' }, p.userName), '. Its one-time password:'),
    el('div', { class: 'one-time__row' }, password, copy),
    el('p', { id: 'one-time-note', class: 'one-time__note' }, p.note),
    el('p', { class: 'one-time__note' }, 'It is shown only this once and is not kept anywhere readable: the server stores only a hash. Pass it on by a safe channel; the person chooses their own password at the first sign-in. If it is lost, reset the password again.'),
    done,
  );
  oneTime.hidden = false;
  oneTime.scrollIntoView({ block: 'nearest' });
}

async function reload(): Promise<void> {
  if (!table) return;
  try {
    table.show(await listAccounts());
  } catch (e) {
    say(`The accounts could not be read: ${describe(e)}`, true);
  }
}

function deny(a: Account | null): void {
  admin.hidden = true;
  admin.replaceChildren();
  table = null;
  form = null;
  denied.hidden = false;
  if (!a) {
    denied.dataset.reason = 'anonymous';
    const signIn = el('button', { type: 'button', class: 'check-button check-button--primary' }, 'Sign in · 登录');
    signIn.addEventListener('click', () => account.open('Sign in as an administrator to manage accounts. · 管理员登录'));
    denied.replaceChildren(
      el('h2', {}, 'Accounts · 账户管理'),
      el('p', {}, 'This page is for administrators: it lists the accounts and adds, disables and resets them. Sign in to continue.'),
      signIn,
    );
    return;
  }
  denied.dataset.reason = 'not-administrator';
  denied.replaceChildren(
    el('h2', {}, 'Only administrators manage accounts · 仅管理员可管理账户'),
    el('p', {}, `You are signed in as ${a.displayName || a.userName} (${ROLE_LABELS[a.role] ?? a.role}). Ask an administrator to add an account, change a role or reset a password.`),
  );
}

async function open(a: Account): Promise<void> {
  denied.hidden = true;
  denied.dataset.reason = '';
  admin.hidden = false;
  document.body.dataset.state = 'loading';
  const [places, departments] = await Promise.all([
    loadPlaces().catch(() => new Map()),
    loadDepartments().catch(() => new Map<string, string>()),
  ]);
  table = new AccountTable({
    self: a.userName,
    places,
    departments,
    say,
    oneTime: showOneTime,
    changed: () => void reload(),
  });
  form = new AddForm(places, departments, (p) => {
    showOneTime(p, 'New account');
    say(`Added ${p.userName}.`);
    void reload();
  });
  const addOpen = el('button', { type: 'button', id: 'account-add-open', class: 'check-button check-button--primary' }, 'Add an account · 新增账户');
  addOpen.addEventListener('click', () => form?.open());
  admin.replaceChildren(
    ...[
    el(
      'div',
      { class: 'accounts-bar' },
      el('h2', {}, 'Accounts · 账户'),
      table.filter,
      addOpen,
    ),
    message,
    oneTime,
    form.element,
    places.size === 0 ? el('p', { class: 'accounts-message is-bad' }, 'The plan’s jurisdictions could not be loaded; reviewers cannot be added until they are.') : null,
    table.element,
    ].filter((n): n is HTMLElement => n !== null),
  );
  await reload();
  document.body.dataset.state = 'ready';
}

function changed(a: Account | null): void {
  const signedIn = a && !a.mustChangePassword ? a : null;
  message.hidden = true;
  oneTime.replaceChildren();
  oneTime.hidden = true;
  if (signedIn?.role === 'administrator') void open(signedIn);
  else {
    deny(signedIn);
    document.body.dataset.state = 'ready';
  }
}

async function start(): Promise<void> {
  await account.ready;
  account.onChange(changed);
  changed(account.account);
}

void start();
