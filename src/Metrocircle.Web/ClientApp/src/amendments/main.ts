// The amendments page: every amendment of the plan on the left (public, signed out too), and on the right one
// amendment's public notice (amendments.html?id=<id>, or #<id>), the proposal form (#propose, reviewers and the
// coordination office), or a short explanation.
//
// Hooks: body[data-state] (loading | ready | error), body[data-account], #amendment-list (see list.ts),
// #propose-open (shown to those who may propose), #amendment-main[data-view] (welcome | amendment | propose).

// maplibre's styles first, as on the other pages: app.css overrides some of them
import 'maplibre-gl/dist/maplibre-gl.css';
import '../app.css';
import '../cases/cases.css';
import './amendments.css';

import { mountAccount, type Account } from '../account';
import { byId, el } from '../dom';
import { loadJurisdictions, type Jurisdictions } from '../cases/casemap';
import { AmendmentDetail } from './detail';
import { AmendmentList } from './list';
import { ProposeForm } from './propose';

const PROPOSERS = new Set(['reviewer', 'coordination-office', 'administrator']);

const account = mountAccount();
const main = byId('amendment-main');
const proposeOpen = byId<HTMLAnchorElement>('propose-open');
const list = new AmendmentList(byId('amendment-list'));
let jurisdictions: Jurisdictions = { layer: null, name: () => null };
let signedIn: Account | null = null;
let shown: { destroy(): void } | null = null;

function unauthorised(): void {
  void account.refresh().then((a) => {
    if (!a) account.open('Your session has ended; sign in again. · 会话已结束，请重新登录');
  });
}

function route(): { view: 'amendment'; id: string } | { view: 'propose' } | { view: 'welcome' } {
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  if (hash === 'propose') return { view: 'propose' };
  const id = hash || new URLSearchParams(location.search).get('id');
  return id ? { view: 'amendment', id } : { view: 'welcome' };
}

function show(): void {
  shown?.destroy();
  shown = null;
  const r = route();
  main.dataset.view = r.view;
  if (r.view === 'amendment') {
    const view = new AmendmentDetail(r.id, { account: signedIn, jurisdictions, changed: () => void list.reload(), unauthorised });
    main.replaceChildren(view.element);
    shown = view;
    list.select(r.id);
    void view.load();
    return;
  }
  list.select(null);
  if (r.view === 'propose' && signedIn && PROPOSERS.has(signedIn.role)) {
    const form = new ProposeForm({ jurisdictions, created: () => void list.reload(), unauthorised });
    main.replaceChildren(form.element);
    shown = form;
    void form.mount();
    return;
  }
  main.dataset.view = 'welcome';
  main.replaceChildren(
    el(
      'div',
      { class: 'case-welcome' },
      el('h2', {}, 'Amendments of the plan · 规划动态维护'),
      el('p', {}, 'The plan changes through amendments: a reviewer or the coordination office proposes a change set (features added, changed or retired), which is checked against the balance rules — the ecological red line does not shrink, farmland taken is compensated in the same province, the urban development boundary stays within its cap — and assessed for its impact on projects already checked.'),
      el('p', {}, 'Each amendment is published for public notice (30 days by default): anyone may read it, see its map, balance sheet and impact, and comment. It is then decided as a co-approval case; once approved, it becomes a new version of the plan on its effective date, which the map’s version timeline shows.'),
      r.view === 'propose' && !signedIn
        ? el('p', { class: 'check-hint' }, 'Sign in as a reviewer or the coordination office to propose an amendment. · 审查人员或协调办公室登录后可提出修改')
        : el('p', { class: 'check-hint' }, 'Pick an amendment on the left to read its public notice. · 请在左侧选择'),
    ),
  );
}

function accountChanged(a: Account | null): void {
  signedIn = a && !a.mustChangePassword ? a : null;
  proposeOpen.hidden = !signedIn || !PROPOSERS.has(signedIn.role);
  void list.reload();
  show();
}

async function start(): Promise<void> {
  window.addEventListener('hashchange', show);
  const [loaded] = await Promise.all([loadJurisdictions().catch(() => null), account.ready]);
  if (loaded) jurisdictions = loaded;
  account.setJurisdictionNames((id) => jurisdictions.name(id));
  account.onChange(accountChanged);
  accountChanged(account.account);
  document.body.dataset.state = loaded ? 'ready' : 'error';
  if (!loaded) document.body.dataset.error = 'The plan’s jurisdictions could not be loaded; the maps show only the changes.';
}

void start();
