// Proposing a transfer: from, to, kind, period, amount (m²), an optional title, and the terms (text, and figures as
// "name = number" lines). The server holds the amount on the giving account and opens a land-transfer co-approval
// case; the form then links to that case in the cases inbox, where a reviewer of each side, their natural-resources
// departments and the office decide it. Approval posts the transfer; rejection releases the hold.
//
// Hooks: #transfer-form, #transfer-from, #transfer-to, #transfer-kind, #transfer-period, #transfer-amount,
// #transfer-title, #transfer-text, #transfer-figures, #transfer-submit, #transfer-error, #transfer-result
// (#transfer-case links to the case).

import { ApiError } from '../api';
import { api, ok, type Schemas } from '../client';
import { el } from '../dom';
import { m2 } from './format';
import type { Places } from './main';

interface Options {
  places: Places;
  accounts: Schemas['LedgerAccounts'];
  proposed: () => void;
}

/** Figures from "name = number" lines; a line that is not one is an error naming it. */
export function parseFigures(textValue: string): Record<string, number> | string {
  const figures: Record<string, number> = {};
  for (const [i, raw] of textValue.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([A-Za-z][\w-]*)\s*[=:]\s*(-?\d+(?:\.\d+)?)$/.exec(line);
    if (!m) return `Figures, line ${i + 1}: write name = number (e.g. priceYuan = 1200000), not “${line}”.`;
    figures[m[1] as string] = Number(m[2]);
  }
  return figures;
}

export class TransferForm {
  constructor(box: HTMLElement, options: Options) {
    const { places, accounts } = options;
    const option = (id: string, label: string) => el('option', { value: id }, label);
    const jurisdictions = places.features.map((f) => String(f.id)).sort((a, b) => places.name(a).localeCompare(places.name(b), 'zh'));
    const mine = new Set(accounts.accounts.map((a) => a.jurisdiction));
    const from = el('select', { id: 'transfer-from', required: '' }, ...jurisdictions.filter((j) => mine.has(j)).map((j) => option(j, places.name(j))));
    const to = el('select', { id: 'transfer-to', required: '' }, ...jurisdictions.map((j) => option(j, places.name(j))));
    const kind = el('select', { id: 'transfer-kind' }, ...accounts.kinds.map((k) => option(k.id, [k.nameZh, k.nameEn].filter(Boolean).join(' · '))));
    const period = el('select', { id: 'transfer-period' }, ...accounts.periods.map((p) => option(p.id, p.id)));
    const amount = el('input', { id: 'transfer-amount', type: 'number', min: '1', step: '1', required: '', inputmode: 'numeric' });
    const amountHint = el('span', { class: 'ledger-meta' });
    const title = el('input', { id: 'transfer-title', maxlength: '200', placeholder: 'optional; a title is made from the terms' });
    const textArea = el('textarea', { id: 'transfer-text', rows: '3', maxlength: '4000', placeholder: 'The agreed terms, e.g. price and schedule of payment' });
    const figures = el('textarea', { id: 'transfer-figures', rows: '2', placeholder: 'priceYuan = 1200000' });
    const error = el('p', { id: 'transfer-error', class: 'ledger-error', role: 'alert', hidden: '' });
    const result = el('div', { id: 'transfer-result', 'aria-live': 'polite' });
    const submit = el('button', { type: 'submit', id: 'transfer-submit', class: 'ledger-button ledger-button--primary' }, 'Propose · 提交');
    amount.addEventListener('input', () => (amountHint.textContent = amount.value ? m2(Number(amount.value)) : ''));
    const row = (label: string, ...control: (Node | string)[]) => el('label', { class: 'ledger-field' }, el('span', {}, label), ...control);
    const form = el(
      'form',
      { id: 'transfer-form', class: 'ledger-form' },
      row('From · 调出', from),
      row('To · 调入', to),
      row('Kind · 类型', kind),
      row('Period · 规划期', period),
      row('Amount m² · 面积', amount, amountHint),
      row('Title · 标题', title),
      row('Terms · 条件', textArea),
      row('Figures · 数字', figures),
      el('div', { class: 'ledger-form__actions' }, submit),
      error,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void send();
    });
    box.replaceChildren(
      el('h2', {}, 'Propose a transfer · 发起指标调剂'),
      el('p', { class: 'ledger-meta' },
        'A reviewer of either side, or the coordination office, proposes; the amount is held on the giving account at once, and the transfer is posted only when a reviewer of each side, their natural-resources departments and the office have approved the case. Rejection releases the hold.'),
      form,
      result,
    );

    const send = async () => {
      error.hidden = true;
      const parsed = parseFigures(figures.value);
      if (typeof parsed === 'string') {
        error.textContent = parsed;
        error.hidden = false;
        return;
      }
      const body: Schemas['TransferRequest'] = {
        from: from.value,
        to: to.value,
        kind: kind.value,
        period: period.value,
        amount: Number(amount.value),
        title: title.value.trim() || null,
        terms: { text: textArea.value.trim() || null, figures: parsed },
      };
      submit.disabled = true;
      try {
        const done = await ok(() => api.POST('/ledger/transfers', { body }), 'the transfer');
        result.replaceChildren(
          el('p', { class: 'ledger-done' }, `Proposed: ${m2(done.amount)} held on ${done.from}. `,
            el('a', { id: 'transfer-case', href: `./cases.html#${encodeURIComponent(done.caseId)}` }, `Open case ${done.caseId} in the cases inbox · 去审批`),
            ' — the reviewers decide it there.'),
        );
        form.reset();
        amountHint.textContent = '';
        options.proposed();
      } catch (e) {
        error.textContent = e instanceof ApiError && e.problem?.detail ? e.problem.detail : (e as Error).message;
        error.hidden = false;
      } finally {
        submit.disabled = false;
      }
    };
  }
}
