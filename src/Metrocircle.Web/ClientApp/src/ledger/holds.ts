// Holds by case: the open holds on the accounts the viewer may see, grouped by the case that placed them, each case
// linked to the cases page; and every hold (open, settled, released) of one case asked for by its id.
//
// Hooks: #ledger-holds[data-count], #ledger-holds-list [data-case] groups, #ledger-holds-empty, #ledger-holds-case,
// #ledger-holds-case-go.

import { api, ok, type Schemas } from '../client';
import { el } from '../dom';
import { day, m2 } from './format';

type Hold = Schemas['LedgerHoldView'];

export class HoldsPanel {
  private readonly list = el('div', { id: 'ledger-holds-list' });
  private readonly caseInput = el('input', { id: 'ledger-holds-case', placeholder: 'case id', spellcheck: 'false', size: '16' });

  constructor(
    private readonly box: HTMLElement,
    private readonly name: (jurisdiction: string) => string,
  ) {
    const go = el('button', { type: 'submit', id: 'ledger-holds-case-go', class: 'ledger-button' }, 'Show · 查看');
    const form = el('form', { class: 'ledger-inline' }, el('label', {}, 'Every hold of case ', this.caseInput), go,
      el('button', { type: 'button', class: 'ledger-button ledger-button--quiet' }, 'Open holds'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.load(this.caseInput.value.trim() || undefined);
    });
    form.lastElementChild!.addEventListener('click', () => {
      this.caseInput.value = '';
      void this.load();
    });
    box.replaceChildren(el('h2', {}, 'Holds by case · 案件冻结'), form, this.list);
  }

  /** Open holds, or every hold of one case. */
  async load(caseId?: string): Promise<void> {
    let holds: Hold[];
    try {
      holds = (await ok(() => api.GET('/ledger/holds', { params: { query: caseId ? { case: caseId } : {} } }), 'the holds')).holds;
    } catch (e) {
      this.list.replaceChildren(el('p', { class: 'ledger-error' }, (e as Error).message));
      return;
    }
    this.box.dataset.count = String(holds.length);
    if (holds.length === 0) {
      this.list.replaceChildren(
        el('p', { id: 'ledger-holds-empty', class: 'ledger-meta' },
          caseId
            ? `Case ${caseId} holds no quota on the accounts you may see.`
            : 'No quota is held now on the accounts you may see. A hold reserves quota while a case is decided — a proposed transfer holds its amount on the giving account until the case is approved (then posted) or rejected or withdrawn (then released). · 当前无冻结'),
      );
      return;
    }
    const byCase = new Map<string, Hold[]>();
    for (const h of holds) (byCase.get(h.case) ?? byCase.set(h.case, []).get(h.case)!).push(h);
    this.list.replaceChildren(
      ...[...byCase].map(([id, list]) =>
        el(
          'div',
          { class: 'ledger-hold-case', 'data-case': id },
          el('h3', {}, el('a', { href: `./cases.html#${encodeURIComponent(id)}` }, `Case ${id}`), ` · ${m2(list.filter((h) => h.status === 'open').reduce((s, h) => s + h.amountM2, 0))} open`),
          el('ul', {}, ...list.map((h) => el('li', { 'data-hold': h.id, 'data-status': h.status },
            `${h.jurisdiction ? this.name(h.jurisdiction) : h.account} · ${h.kind} ${h.period} · ${m2(h.amountM2)} · ${h.status} since ${day(h.createdAt)}`))),
        ),
      ),
    );
  }
}
