// The land ledger page: the chosen kind and period's balances per jurisdiction as a choropleth and a table, the
// region's totals, one account's history (paged), the holds by case, and the transfer form. Everything is read from
// /ledger/* with the signed-in person's permissions (reviewers: their own jurisdiction's accounts and the region's
// totals; the office: all); signed out, the page says the ledger needs an account. The opening balances are synthetic
// and the page says so while the API marks them so.
//
// Hooks: body[data-state] (loading | ready | signed-out | forbidden | error), #ledger-synthetic, #ledger-kind,
// #ledger-period, #ledger-refresh, #ledger-totals, #ledger-table tr[data-jurisdiction] (td.balance, td.held,
// td.available with data-value), #ledger-account[data-account] (#ledger-history rows, #ledger-history-more),
// #ledger-holds (see holds.ts), #ledger-transfer (see transfer.ts).

import '../app.css';
import './ledger.css';

import { mountAccount, type Account } from '../account';
import { ApiError, fetchCollections, fetchItems, type Feature } from '../api';
import { api, ok, type Schemas } from '../client';
import { byId, el } from '../dom';
import { text, toPlanLayers } from '../model';
import { AccountHistory } from './history';
import { HoldsPanel } from './holds';
import { m2 } from './format';
import { LedgerMap } from './map';
import { TransferForm } from './transfer';

type Accounts = Schemas['LedgerAccounts'];
type Balances = Schemas['LedgerBalances'];

/** The jurisdictions that hold accounts: the plan's jurisdiction layer whose features carry the account ids. */
export interface Places {
  features: Feature[];
  name(id: string): string;
}

const account = mountAccount();
const status = byId('ledger-status');
const main = byId('ledger-main');
const kindSelect = byId<HTMLSelectElement>('ledger-kind');
const periodSelect = byId<HTMLSelectElement>('ledger-period');
const table = byId<HTMLTableElement>('ledger-table');
const signIn = byId('ledger-sign-in');
let accounts: Accounts | null = null;
let balances: Balances | null = null;
let places: Places | null = null;
let map: LedgerMap | null = null;
let history: AccountHistory | null = null;
let holds: HoldsPanel | null = null;
let transfer: TransferForm | null = null;
let selected: string | null = null;
let runs = 0;

async function loadPlaces(jurisdictions: Set<string>): Promise<Places> {
  const layers = toPlanLayers(await fetchCollections()).filter((l) => l.kind === 'jurisdiction').sort((a, b) => b.featureCount - a.featureCount);
  for (const layer of layers) {
    const features = (await fetchItems(layer.id)).features;
    if (!features.some((f) => jurisdictions.has(String(f.id)))) continue;
    const names = new Map<string, string>();
    for (const f of features) {
      const p = f.properties ?? {};
      const zh = text(p.nameZh) ?? text(p.name);
      const en = text(p.nameEn);
      names.set(String(f.id), [zh, en && en !== zh ? en : null].filter(Boolean).join(' ') || String(f.id));
    }
    // The table's "Within" column names a county's province; the county features carry its id and name.
    for (const f of features) {
      const p = f.properties ?? {};
      const id = text(p.provinceId);
      const name = text(p.province);
      if (id && name && !names.has(id)) names.set(id, name);
    }
    return { features: features.filter((f) => jurisdictions.has(String(f.id)) || layers.length === 1), name: (id) => names.get(id) ?? id };
  }
  return { features: [], name: (id) => id };
}

function setState(state: string, message: string): void {
  document.body.dataset.state = state;
  status.textContent = message;
}

function fillSelect(select: HTMLSelectElement, options: { id: string; label: string }[]): void {
  const keep = select.value;
  select.replaceChildren(...options.map((o) => el('option', { value: o.id }, o.label)));
  if (options.some((o) => o.id === keep)) select.value = keep;
}

async function load(who: Account | null): Promise<void> {
  const run = ++runs;
  main.hidden = true;
  signIn.hidden = true;
  setState('loading', 'Loading the ledger…');
  if (!who) {
    signIn.hidden = false;
    setState('signed-out', 'The land ledger needs an account. · 查看指标账本需要登录');
    return;
  }
  try {
    accounts = await ok(() => api.GET('/ledger/accounts'), 'the ledger accounts');
    balances = await ok(() => api.GET('/ledger/balances'), 'the ledger balances');
    places ??= await loadPlaces(new Set(accounts.accounts.map((a) => a.jurisdiction).filter((j): j is string => !!j)));
    if (run !== runs) return;
  } catch (e) {
    if (run !== runs) return;
    if (e instanceof ApiError && e.status === 403) {
      setState('forbidden', 'The land ledger is open to reviewers (their own jurisdiction’s accounts and the region’s totals) and the coordination office; a proponent follows the quota its cases hold on the cases page. · 无权查看');
      return;
    }
    if (e instanceof ApiError && e.status === 401) {
      signIn.hidden = false;
      setState('signed-out', 'Your session has ended; sign in again to see the land ledger.');
      return;
    }
    setState('error', `The ledger could not be loaded: ${(e as Error).message}`);
    return;
  }
  const synthetic = byId('ledger-synthetic');
  synthetic.hidden = !accounts.synthetic;
  synthetic.textContent = accounts.synthetic
    ? 'SYNTHETIC DATA · 合成数据: the opening balances are generated (made-up regional totals split among jurisdictions by area); no government publishes these quotas. They are not official figures.'
    : '';
  fillSelect(kindSelect, accounts.kinds.map((k) => ({ id: k.id, label: [k.nameZh, k.nameEn].filter(Boolean).join(' · ') })));
  fillSelect(periodSelect, accounts.periods.map((p) => ({ id: p.id, label: `${p.id} · ${p.nameEn}` })));
  main.hidden = false;
  map ??= new LedgerMap(byId('ledger-map'), byId('ledger-legend'), places.features);
  map.onSelect = (j) => choose(j);
  history ??= new AccountHistory(byId('ledger-account'), (id) => places?.name(id) ?? id);
  holds ??= new HoldsPanel(byId('ledger-holds'), (id) => places?.name(id) ?? id);
  void holds.load();
  const mayPropose = ['reviewer', 'coordination-office', 'administrator'].includes(who.role);
  const transferBox = byId('ledger-transfer');
  transferBox.hidden = !mayPropose;
  if (mayPropose && !transfer) {
    transfer = new TransferForm(transferBox, { places, accounts, proposed: () => void refresh() });
  }
  render();
  setState('ready', `${accounts.accounts.length.toLocaleString('en')} accounts you may see, unit ${accounts.unit === 'm2' ? 'm²' : accounts.unit}.`);
}

/** Reads the balances again (after a transfer, or when asked) and redraws. */
async function refresh(): Promise<void> {
  try {
    balances = await ok(() => api.GET('/ledger/balances'), 'the ledger balances');
    render();
    void holds?.load();
    if (selected) void history?.show(selected);
  } catch (e) {
    setState('error', `The ledger could not be loaded: ${(e as Error).message}`);
  }
}

function render(): void {
  if (!accounts || !balances || !places) return;
  const kind = kindSelect.value;
  const period = periodSelect.value;
  const rows = balances.balances.filter((b) => b.kind === kind && b.period === period && b.role === 'jurisdiction' && b.jurisdiction);
  const total = balances.totals.find((t) => t.kind === kind && t.period === period);
  byId('ledger-totals').textContent = total
    ? `Region: granted ${m2(total.granted)}; with the jurisdictions ${m2(total.jurisdictions)}; in the pool ${m2(total.pool)}; used ${m2(total.used)}; held ${m2(total.held)}.`
    : '';
  const kindName = accounts.kinds.find((k) => k.id === kind)?.nameEn ?? kind;
  byId('ledger-table-title').textContent = `${kindName}, ${period}: balances per jurisdiction`;
  void map?.show(new Map(rows.map((b) => [b.jurisdiction as string, b.available])), `Available · 可用, ${kindName}`);
  const provinceOf = new Map(accounts.accounts.map((a) => [a.id, a.province ?? '']));
  const cell = (cls: string, v: number) => el('td', { class: `${cls} num`, 'data-value': String(v) }, v.toLocaleString('en'));
  table.replaceChildren(
    el('thead', {}, el('tr', {}, el('th', {}, 'Jurisdiction · 行政区'), el('th', {}, 'Within'), el('th', { class: 'num' }, 'Balance m²'), el('th', { class: 'num' }, 'Held m²'), el('th', { class: 'num' }, 'Available m²'))),
    el(
      'tbody',
      {},
      ...rows
        .sort((a, b) => (provinceOf.get(a.account) ?? '').localeCompare(provinceOf.get(b.account) ?? '') || (a.jurisdiction ?? '').localeCompare(b.jurisdiction ?? ''))
        .map((b) => {
          const tr = el(
            'tr',
            { 'data-jurisdiction': b.jurisdiction ?? '', 'data-account': b.account, class: b.account === selected ? 'is-selected' : undefined, tabindex: '0' },
            el('td', {}, places!.name(b.jurisdiction ?? '')),
            el('td', {}, places!.name(provinceOf.get(b.account) ?? '')),
            cell('balance', b.balance),
            cell('held', b.held),
            cell('available', b.available),
          );
          tr.addEventListener('click', () => choose(b.jurisdiction ?? ''));
          tr.addEventListener('keydown', (e) => e.key === 'Enter' && choose(b.jurisdiction ?? ''));
          return tr;
        }),
    ),
  );
  if (rows.length === 0) table.append(el('tbody', {}, el('tr', {}, el('td', { colspan: '5' }, 'No account of this kind and period that you may see.'))));
}

function choose(jurisdiction: string): void {
  const b = balances?.balances.find((x) => x.jurisdiction === jurisdiction && x.kind === kindSelect.value && x.period === periodSelect.value);
  if (!b) return;
  selected = b.account;
  map?.select(jurisdiction);
  for (const tr of table.querySelectorAll<HTMLTableRowElement>('tr[data-account]')) tr.classList.toggle('is-selected', tr.dataset.account === selected);
  void history?.show(b.account, b);
}

kindSelect.addEventListener('change', render);
periodSelect.addEventListener('change', render);
byId('ledger-refresh').addEventListener('click', () => void refresh());
byId('ledger-sign-in-button').addEventListener('click', () => account.open('Sign in to see the land ledger. · 登录后查看指标账本'));
void account.ready.then((who) => {
  account.onChange((a) => void load(a && !a.mustChangePassword ? a : null));
  void load(who && !who.mustChangePassword ? who : null);
});
