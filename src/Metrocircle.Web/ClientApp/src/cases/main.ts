// The co-approval cases page: a reviewer's inbox and cases, a proponent's cases and "Submit a project", and one case
// at a time beside them (cases.html#<case id> or ?id=<case id>; #submit for a new project). Everything needs an
// account: an anonymous visitor is asked to sign in.
//
// Hooks: body[data-state] (loading | ready | error), body[data-account], #cases-sign-in (the prompt, with
// #cases-sign-in-button), #submit-open, #case-main[data-view] (welcome | case | submit).

// maplibre's styles first, as on the map page: app.css overrides some of them, and the pages share one CSS chunk
import 'maplibre-gl/dist/maplibre-gl.css';
import '../app.css';
import './cases.css';

import { mountAccount, type Account } from '../account';
import { el, byId } from '../dom';
import { fetchCategories, type Category } from '../check/api';
import { loadJurisdictions, type Jurisdictions } from './casemap';
import { CaseLists } from './list';
import { SubmitForm } from './submit';
import { CaseView } from './view';

const account = mountAccount();
const main = byId('case-main');
const prompt = byId('cases-sign-in');
const submitOpen = byId<HTMLAnchorElement>('submit-open');
let categories: Category[] = [];
let jurisdictions: Jurisdictions = { layer: null, name: () => null };
let shown: { destroy(): void } | null = null;
let signedIn: Account | null = null;

const lists = new CaseLists(byId('case-tabs'), byId('case-list'), {
  jurisdictionName: (id) => jurisdictions.name(id),
  categoryName: (id) => categoryName(id),
  unauthorised,
});

function categoryName(id: string): string | null {
  const c = categories.find((x) => x.id === id);
  return c ? `${c.nameZh} ${c.nameEn}` : null;
}

function unauthorised(): void {
  void account.refresh().then((a) => {
    if (!a) account.open('Your session has ended; sign in again. · 会话已结束，请重新登录');
  });
}

/** What the address asks for: a case id, "submit", or nothing. */
function route(): { view: 'case'; id: string } | { view: 'submit' } | { view: 'welcome' } {
  const hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  if (hash === 'submit') return { view: 'submit' };
  const id = hash || new URLSearchParams(location.search).get('id');
  return id ? { view: 'case', id } : { view: 'welcome' };
}

function show(): void {
  shown?.destroy();
  shown = null;
  const r = route();
  main.dataset.view = r.view;
  if (!signedIn) {
    main.replaceChildren(
      el(
        'div',
        { class: 'case-welcome' },
        el('h2', {}, 'Co-approval of cross-boundary projects · 跨界项目协同审批'),
        el('p', {}, 'Reviewers see the projects waiting for their decision; proponents submit projects and follow them. Sign in to continue.'),
      ),
    );
    lists.select(null);
    return;
  }
  if (r.view === 'case') {
    const view = new CaseView(r.id, {
      account: signedIn,
      jurisdictions,
      categoryName,
      changed: () => void lists.reload(),
      unauthorised,
    });
    main.replaceChildren(view.element);
    shown = view;
    lists.select(r.id);
    void view.load();
    return;
  }
  lists.select(null);
  if (r.view === 'submit' && signedIn.role === 'proponent') {
    const form = new SubmitForm(jurisdictions, categories, (c) => {
      void lists.reload();
      location.hash = c.id;
    }, unauthorised);
    main.replaceChildren(form.element);
    form.mount();
    shown = form;
    return;
  }
  main.dataset.view = 'welcome';
  main.replaceChildren(
    el(
      'div',
      { class: 'case-welcome' },
      el('h2', {}, signedIn.role === 'proponent' ? 'Your projects · 我的项目' : 'Reviews · 审查'),
      el(
        'p',
        {},
        signedIn.role === 'proponent'
          ? 'Pick a case on the left to follow its reviews, or submit a new project.'
          : 'Pick a case on the left. The inbox holds the cases waiting for your decision, the soonest due first.',
      ),
    ),
  );
}

function accountChanged(a: Account | null): void {
  signedIn = a && !a.mustChangePassword ? a : null;
  prompt.hidden = !!signedIn;
  submitOpen.hidden = signedIn?.role !== 'proponent';
  if (signedIn) lists.show(signedIn);
  else lists.clear();
  show();
}

async function start(): Promise<void> {
  byId('cases-sign-in-button').addEventListener('click', () => account.open('Sign in to see your cases. · 登录后查看案件'));
  window.addEventListener('hashchange', show);
  const [loaded, cats] = await Promise.all([
    loadJurisdictions().catch(() => null),
    fetchCategories().catch(() => [] as Category[]),
    account.ready,
  ]);
  if (loaded) jurisdictions = loaded;
  categories = cats;
  account.setJurisdictionNames((id) => jurisdictions.name(id));
  account.onChange(accountChanged);
  accountChanged(account.account);
  document.body.dataset.state = loaded ? 'ready' : 'error';
  if (!loaded) document.body.dataset.error = 'The plan’s jurisdictions could not be loaded; the maps show only the footprints.';
}

void start();
