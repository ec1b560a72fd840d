// One account's history: its balance now and its transactions, oldest first, 50 at a time ("More" pages on with the
// API's next). A transaction of a case links to the case.
//
// Hooks: #ledger-account[data-account], #ledger-history tr[data-seq] (td.amount with data-value), #ledger-history-more.

import { api, ok, type Schemas } from '../client';
import { el } from '../dom';
import { day, m2, signed } from './format';

type Balance = Schemas['LedgerBalanceView'];
type Transaction = Schemas['LedgerTransactionView'];

const PAGE = 50;

export class AccountHistory {
  private account: string | null = null;
  private next: number | null = null;
  private readonly body = el('tbody');
  private readonly more = el('button', { type: 'button', id: 'ledger-history-more', class: 'ledger-button', hidden: '' }, 'More · 更多');
  private run = 0;

  constructor(
    private readonly box: HTMLElement,
    private readonly name: (jurisdiction: string) => string,
  ) {
    this.more.addEventListener('click', () => void this.page());
  }

  async show(account: string, balance?: Balance): Promise<void> {
    this.account = account;
    this.next = null;
    this.box.dataset.account = account;
    this.body.replaceChildren();
    const [, , owner] = account.split('/');
    this.box.replaceChildren(
      el('h2', {}, `Account history · 账户流水: ${owner ? this.name(owner) : account}`),
      el('p', { class: 'ledger-meta' }, account, balance ? ` · balance ${m2(balance.balance)}, held ${m2(balance.held)}, available ${m2(balance.available)}` : ''),
      el('div', { class: 'ledger-scroll' }, el('table', { id: 'ledger-history', class: 'ledger-table' },
        el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'Day'), el('th', {}, 'Type'), el('th', {}, 'What'), el('th', { class: 'num' }, 'This account m²'))),
        this.body)),
      this.more,
    );
    await this.page(true);
  }

  private async page(first = false): Promise<void> {
    const account = this.account;
    if (!account) return;
    const run = first ? ++this.run : this.run;
    const query: { account: string; limit: number; after?: number } = { account, limit: PAGE };
    if (this.next !== null) query.after = this.next;
    try {
      const page = await ok(() => api.GET('/ledger/transactions', { params: { query } }), 'the account history');
      if (run !== this.run || account !== this.account) return;
      this.body.append(...page.items.map((t) => this.row(t, account)));
      if (this.body.childElementCount === 0) this.body.append(el('tr', {}, el('td', { colspan: '5' }, 'No transaction has touched this account.')));
      this.next = page.next ?? null;
      this.more.hidden = this.next === null;
    } catch (e) {
      this.body.append(el('tr', {}, el('td', { colspan: '5', class: 'ledger-error' }, (e as Error).message)));
    }
  }

  private row(t: Transaction, account: string): HTMLElement {
    const amount = t.postings.filter((p) => p.account === account).reduce((s, p) => s + p.amount, 0);
    return el(
      'tr',
      { 'data-seq': String(t.seq) },
      el('td', {}, String(t.seq)),
      el('td', {}, day(t.at)),
      el('td', {}, t.type),
      el('td', {}, t.memo, t.caseId ? el('span', {}, ' · ', el('a', { href: `./cases.html#${encodeURIComponent(t.caseId)}` }, `case ${t.caseId}`)) : null,
        t.terms?.text ? el('div', { class: 'ledger-meta' }, `Terms: ${String(t.terms.text)}`) : null),
      el('td', { class: `num amount ${amount < 0 ? 'is-debit' : 'is-credit'}`, 'data-value': String(amount) }, signed(amount)),
    );
  }
}
