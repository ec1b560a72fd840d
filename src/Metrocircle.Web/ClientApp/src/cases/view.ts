// One case: the map with the current footprint over the jurisdictions and what it overlaps, the verdict with its
// report, the review tasks with the decisions the viewer may take, the coordination office's override, the
// proponent's revision and withdrawal, every decision and event (newest first) and the attachments.
//
// Hooks: #case-view[data-case-id][data-status][data-revision][data-version], #case-status[data-status],
// #case-verdict[data-verdict], a#case-report, table#case-tasks tr.task-row[data-task-id][data-status][data-kind]
// [data-jurisdiction][data-department], and in a decidable task's form textarea.decision-reason and
// button.decide[data-decision]; #case-decisions li.decision[data-task-id][data-actor][data-decision][data-revision];
// #case-timeline li[data-action][data-revision]; #case-attachments; section#case-ledger with
// table#case-ledger-holds tr[data-hold-id][data-status] and p#case-ledger-shortfall (role alert) when the quota is
// not covered (also #case-verdict-shortfall in the verdict box); #case-message (role status) after an action;
// #case-error (role alert) with the server's problem.

import { el } from '../dom';
import type { Account } from '../account';
import type { Geometry } from '../geometry';
import { formatHa, renderVerdict } from '../check/verdict';
import { attach, attachmentUrl, decide, getCase, override, revise, withdraw, type CaseFile, type DecisionKind, type ReviewTask } from './api';
import { CaseMap, type Jurisdictions } from './casemap';
import { DECISION_LABELS, KIND_LABELS, STATUS_LABELS, bytes, cls, dueBadges, isUnauthorised, problemBox, statusChip, verdictChip, whenElement } from './format';
import { FootprintPicker } from './picker';

export interface ViewContext {
  account: Account;
  jurisdictions: Jurisdictions;
  categoryName(id: string): string | null;
  /** After the case changed here: the lists refresh. */
  changed(c: CaseFile): void;
  unauthorised(): void;
}

/** The land-ledger members of a case (typed here too, so the page reads them the same before and after api-types is regenerated). */
interface LedgerHoldLine {
  id: string;
  account: string;
  jurisdiction: string;
  kind: string;
  period: string;
  amountM2: number;
  status: string;
}
interface LedgerShortfall {
  account: string;
  available: number;
  needed: number;
  message: string;
}
const ledgerOf = (c: CaseFile) => c as CaseFile & { ledgerHolds?: LedgerHoldLine[] | null; ledgerShortfall?: LedgerShortfall | null };

const DECISIONS: { kind: DecisionKind; label: string; needsReason: boolean }[] = [
  { kind: 'approve', label: 'Approve · 同意', needsReason: false },
  { kind: 'request-changes', label: 'Request changes · 要求修改', needsReason: true },
  { kind: 'reject', label: 'Reject · 不同意', needsReason: true },
];

export class CaseView {
  readonly element: HTMLElement;
  private readonly mapHost = el('div', { id: 'case-map', class: 'case-map', 'aria-label': 'Map of the case' });
  private readonly head = el('header', { class: 'case-head' });
  private readonly verdictBox = el('section', { class: 'case-verdict-box', 'aria-label': 'Verdict' });
  private readonly notice = el('div', { class: 'case-notices' });
  private readonly body = el('div', { class: 'case-body' });
  private map: CaseMap | null = null;
  private current: CaseFile | null = null;
  private picker: FootprintPicker | null = null;
  private shownCheck: string | null = null;
  private busy = false;

  constructor(
    private readonly id: string,
    private readonly ctx: ViewContext,
  ) {
    this.element = el(
      'article',
      { id: 'case-view', class: 'case-view', 'data-case-id': id, 'aria-busy': 'true' },
      this.head,
      el('div', { class: 'case-grid' }, this.mapHost, this.verdictBox),
      this.notice,
      this.body,
    );
    this.head.append(el('p', { class: 'case-list__empty' }, 'Loading the case… · 正在加载'));
  }

  /** Call once the element is in the document (the map needs its size). */
  async load(): Promise<void> {
    try {
      this.update(await getCase(this.id));
    } catch (e) {
      this.head.replaceChildren(problemBox('case-error', 'The case could not be loaded · 无法加载案件', e));
      this.element.dataset.state = 'error';
      if (isUnauthorised(e)) this.ctx.unauthorised();
    } finally {
      this.element.removeAttribute('aria-busy');
    }
  }

  destroy(): void {
    this.map?.remove();
    this.map = null;
  }

  private update(c: CaseFile): void {
    this.current = c;
    const e = this.element;
    e.dataset.status = c.status;
    e.dataset.revision = String(c.revision);
    e.dataset.version = String(c.version);
    e.dataset.state = 'ready';
    const revision = c.revisions[c.revisions.length - 1];
    if (!this.map) {
      this.map = new CaseMap(this.mapHost, this.ctx.jurisdictions, {
        changed: () => this.picker?.drawingChanged(),
        finished: (g) => this.picker?.drawn(g),
        cancelled: () => this.picker?.drawingChanged(),
      });
    }
    this.renderHead(c);
    if (revision && this.shownCheck !== revision.checkId) {
      this.shownCheck = revision.checkId;
      void this.map.showFootprint(revision.footprint as Geometry);
      this.renderVerdict(c, null);
      void this.map.showOverlaps(revision.checkId).then((check) => {
        if (check && this.current === c) this.renderVerdict(c, check);
      });
    }
    this.renderBody(c);
  }

  private renderHead(c: CaseFile): void {
    this.head.replaceChildren(
      ...present(
      el('div', { class: 'case-head__title' }, el('h2', { id: 'case-title' }, c.title), statusChip(c.status, 'case-status')),
      el(
        'p',
        { class: 'case-head__meta' },
        el('span', {}, `${this.ctx.categoryName(c.category) ?? c.category}`),
        el('span', {}, `by ${c.proponent}`),
        el('span', {}, `revision ${c.revision}`),
        el('span', {}, 'opened ', whenElement(c.openedAt)),
        el('span', {}, 'updated ', whenElement(c.updatedAt)),
        el('span', { class: 'case-head__id' }, c.id),
      ),
      c.outcome ? el('p', { class: 'case-head__outcome', id: 'case-outcome' }, `Outcome · 结果: ${c.outcome}`) : null,
      ),
    );
  }

  private renderVerdict(c: CaseFile, check: Parameters<typeof renderVerdict>[0] | null): void {
    const r = c.revisions[c.revisions.length - 1];
    if (!r) return;
    const places = r.provinces.map((p) => this.ctx.jurisdictions.name(p) ?? p).join(' · ');
    const report = new URL(`./checks/${encodeURIComponent(r.checkId)}/report`, document.baseURI).toString();
    const verdict = el('span', { id: 'case-verdict', class: `verdict-badge verdict-badge--${cls(r.verdict)}`, 'data-verdict': r.verdict }, verdictChip(r.verdict).textContent ?? r.verdict);
    this.verdictBox.replaceChildren(
      ...present(
      el('h3', {}, `Verdict of revision ${r.number} · 核查结论`),
      el('div', { class: 'check-result__head' }, verdict),
      el(
        'dl',
        { class: 'case-facts' },
        el('dt', {}, 'Area · 面积'),
        el('dd', {}, formatHa(r.areaHa)),
        el('dt', {}, 'Lies in · 所在'),
        el('dd', { id: 'case-provinces' }, places || '—'),
        el('dt', {}, 'Submitted · 提交'),
        el('dd', {}, `${r.submittedBy}, `, whenElement(r.submittedAt)),
        r.note ? el('dt', {}, 'Note · 说明') : null,
        r.note ? el('dd', { class: 'case-note' }, r.note) : null,
        el('dt', {}, 'Plan · 规划'),
        el('dd', { class: 'case-facts__small' }, `${r.planVersion} · rules ${r.rulesVersion}`),
      ),
      ledgerOf(c).ledgerShortfall
        ? el('p', { id: 'case-verdict-shortfall', class: 'case-ledger__shortfall', role: 'alert' }, `Land quota not covered · 用地指标不足: ${ledgerOf(c).ledgerShortfall?.message ?? ''}`)
        : null,
      el('p', { class: 'check-result__report' }, el('a', { id: 'case-report', href: report, target: '_blank', rel: 'noopener' }, 'Open the check report · 查看核查报告')),
      check
        ? el(
            'details',
            { class: 'case-full-verdict' },
            el('summary', {}, 'Rules, overlaps and approvals · 规则与重叠'),
            renderVerdict(check, { layerTitle: () => null, focusOverlap: (layer) => this.map?.focusOverlap(layer) }),
          )
        : null,
      ),
    );
  }

  private renderBody(c: CaseFile): void {
    this.picker = null;
    this.body.replaceChildren(...present(this.actions(c), this.tasks(c), this.landQuota(c), this.decisions(c), this.timeline(c), this.attachments(c)));
  }

  // ---- land quota ----

  /** What the case holds (or held) on the land ledger, by county and kind; nothing when it takes no counted land. */
  private landQuota(c: CaseFile): HTMLElement | null {
    const holds = ledgerOf(c).ledgerHolds ?? [];
    const shortfall = ledgerOf(c).ledgerShortfall;
    if (holds.length === 0 && !shortfall) return null;
    const m2 = (n: number) => `${Math.round(n).toLocaleString('en')} m²`;
    return el(
      'section',
      { id: 'case-ledger', class: 'case-section' },
      el('h3', {}, 'Land quota · 用地指标'),
      shortfall
        ? el(
            'p',
            { id: 'case-ledger-shortfall', class: 'case-ledger__shortfall', role: 'alert' },
            `Not covered: ${shortfall.account} has ${m2(shortfall.available)} available, ${m2(shortfall.needed)} needed. Approval needs a transfer or an override by the coordination office with a reason.`,
          )
        : null,
      holds.length
        ? el(
            'table',
            { id: 'case-ledger-holds', class: 'case-table' },
            el('thead', {}, el('tr', {}, ...['County · 区县', 'Kind · 指标', 'Period · 期间', 'Amount · 面积', 'Status · 状态'].map((h) => el('th', {}, h)))),
            el(
              'tbody',
              {},
              ...holds.map((h) =>
                el(
                  'tr',
                  { 'data-hold-id': h.id, 'data-status': h.status },
                  el('td', {}, this.ctx.jurisdictions.name(h.jurisdiction) ?? h.jurisdiction),
                  el('td', {}, h.kind),
                  el('td', {}, h.period),
                  el('td', { class: 'num' }, m2(h.amountM2)),
                  el('td', {}, h.status),
                ),
              ),
            ),
          )
        : null,
      el('p', { class: 'case-facts__small' }, 'Held on submission, posted on approval, released on rejection, withdrawal or a smaller revision.'),
    );
  }

  // ---- tasks and decisions ----

  private tasks(c: CaseFile): HTMLElement {
    const current = c.tasks.filter((t) => t.revision === c.revision);
    const earlier = [...new Set(c.tasks.filter((t) => t.revision < c.revision).map((t) => t.revision))].sort((a, b) => b - a);
    return el(
      'section',
      { class: 'case-section', 'aria-labelledby': 'case-tasks-title' },
      el('h3', { id: 'case-tasks-title' }, `Reviews of revision ${c.revision} · 审查任务`),
      this.taskTable(c, current, 'case-tasks'),
      ...earlier.map((n) => {
        const r = c.revisions.find((x) => x.number === n);
        return el(
          'details',
          { class: 'case-earlier', 'data-revision': String(n) },
          el('summary', {}, `Revision ${n} · 第${n}版`, r ? ' — ' : '', r ? verdictChip(r.verdict) : null, r ? ` submitted ${r.submittedAt.slice(0, 10)}` : ''),
          this.taskTable(c, c.tasks.filter((t) => t.revision === n), `case-tasks-r${n}`),
        );
      }),
    );
  }

  private taskTable(c: CaseFile, tasks: ReviewTask[], id: string): HTMLElement {
    if (tasks.length === 0) return el('p', { class: 'case-list__empty' }, 'No review tasks. · 无审查任务');
    const rows: HTMLElement[] = [];
    for (const t of tasks) {
      const who = [t.jurisdiction ? (this.ctx.jurisdictions.name(t.jurisdiction) ?? t.jurisdiction) : null, t.department].filter(Boolean).join(' · ');
      const decided = c.decisions.filter((d) => d.taskId === t.id);
      rows.push(
        el(
          'tr',
          {
            class: `task-row${t.youMayDecide ? ' is-yours' : ''}`,
            'data-task-id': t.id,
            'data-status': t.status,
            'data-kind': t.kind,
            'data-jurisdiction': t.jurisdiction ?? undefined,
            'data-department': t.department ?? undefined,
          },
          el('td', {}, el('strong', { class: 'task-row__title' }, t.title), ...t.reasons.map((r) => el('span', { class: 'task-row__reason' }, r))),
          el('td', {}, el('span', { class: 'task-row__kind' }, KIND_LABELS[t.kind] ?? t.kind), who ? el('span', { class: 'task-row__who' }, who) : null),
          el('td', {}, whenElement(t.dueAt), t.status === 'open' ? el('span', { class: 'task-row__badges' }, ...dueBadges(t)) : t.escalated ? el('span', { class: 'task-row__badges' }, ...dueBadges({ ...t, dueSoon: false, overdue: false })) : null),
          el(
            'td',
            {},
            el('span', { class: `status-chip status-chip--${cls(t.status)} task-status`, 'data-status': t.status }, DECISION_LABELS[decisionOf(t.status)] ?? STATUS_LABELS[t.status] ?? t.status),
            ...decided.map((d) =>
              el('span', { class: 'task-row__decided' }, `${d.actor}, `, whenElement(d.at), d.reason ? el('q', { class: 'task-row__why' }, d.reason) : null),
            ),
          ),
          el('td', { class: 'task-row__action' }, t.youMayDecide ? el('span', { class: 'task-row__yours' }, 'Yours to decide ↓ · 待您审批') : null),
        ),
      );
      if (t.youMayDecide) rows.push(el('tr', { class: 'task-decide-row', 'data-task-id': t.id }, el('td', { colspan: '5' }, this.decisionForm(c, t))));
    }
    return el(
      'table',
      { id, class: 'case-table' },
      el('thead', {}, el('tr', {}, ...['Review · 任务', 'For · 审查方', 'Due · 截止', 'Status · 状态', ''].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...rows),
    );
  }

  private decisionForm(c: CaseFile, t: ReviewTask): HTMLElement {
    const reason = el('textarea', { class: 'decision-reason', rows: '2', maxlength: '4000', 'aria-label': `Reason for ${t.title}`, placeholder: 'Reason (required to request changes or reject) · 意见（要求修改或不同意时必填）' });
    const error = el('p', { class: 'decision-error', role: 'alert', hidden: '' });
    const buttons = DECISIONS.map((d) => {
      const b = el('button', { type: 'button', class: `check-button decide decide--${d.kind}`, 'data-decision': d.kind }, d.label);
      b.addEventListener('click', () => {
        const text = reason.value.trim();
        if (d.needsReason && !text) {
          error.textContent = `Give the proponent a reason to ${d.kind === 'reject' ? 'reject' : 'request changes'}. · 请填写意见`;
          error.hidden = false;
          reason.focus();
          return;
        }
        error.hidden = true;
        void this.run(`decide-${d.kind}`, () => decide(c.id, t.id, d.kind, text, c.revision), `Your decision on “${t.title}” is recorded: ${DECISION_LABELS[d.kind]}.`);
      });
      return b;
    });
    return el(
      'div',
      { class: 'decision-form', 'data-task-id': t.id },
      el('label', { class: 'decision-form__label' }, `Your decision on revision ${c.revision} · 审批意见`),
      reason,
      error,
      el('div', { class: 'check-actions' }, ...buttons),
    );
  }

  private decisions(c: CaseFile): HTMLElement {
    const taskTitle = (id: string) => c.tasks.find((t) => t.id === id)?.title ?? (id === 'override' ? 'Override by the coordination office · 协调办公室裁定' : id);
    const items = [...c.decisions].reverse().map((d) =>
      el(
        'li',
        {
          class: `decision decision--${cls(d.kind)}${d.revision < c.revision ? ' is-earlier' : ''}`,
          'data-task-id': d.taskId,
          'data-actor': d.actor,
          'data-decision': d.kind,
          'data-revision': String(d.revision),
        },
        el(
          'div',
          { class: 'decision__head' },
          el('span', { class: `rev-chip${d.revision < c.revision ? ' is-earlier' : ''}`, title: d.revision < c.revision ? 'a decision on an earlier revision' : 'the current revision' }, `rev ${d.revision}`),
          el('span', { class: `status-chip status-chip--${cls(decisionStatus(d.kind))}` }, DECISION_LABELS[d.kind] ?? d.kind),
          d.override ? el('span', { class: 'badge badge--escalated' }, 'Override · 裁定') : null,
          el('strong', {}, taskTitle(d.taskId)),
        ),
        el('div', { class: 'decision__by' }, `${d.actor} · `, whenElement(d.at)),
        d.reason ? el('p', { class: 'decision__reason' }, d.reason) : null,
      ),
    );
    return el(
      'section',
      { class: 'case-section' },
      el('h3', {}, 'Decisions, newest first · 审批意见'),
      items.length ? el('ol', { id: 'case-decisions', class: 'decision-list' }, ...items) : el('p', { id: 'case-decisions', class: 'case-list__empty' }, 'No decision yet. · 尚无审批意见'),
    );
  }

  private timeline(c: CaseFile): HTMLElement {
    const items = [...c.timeline].reverse().map((e) =>
      el(
        'li',
        { class: `timeline-item${e.revision < c.revision ? ' is-earlier' : ''}`, 'data-action': e.action, 'data-revision': String(e.revision) },
        whenElement(e.at, 'timeline-item__when'),
        el('span', { class: `rev-chip${e.revision < c.revision ? ' is-earlier' : ''}` }, `rev ${e.revision}`),
        el('span', { class: 'timeline-item__what' }, el('strong', {}, e.action), ` · ${e.actor}`, e.detail ? el('span', { class: 'timeline-item__detail' }, e.detail) : null),
      ),
    );
    return el('section', { class: 'case-section' }, el('h3', {}, 'Timeline, newest first · 过程记录'), el('ol', { id: 'case-timeline', class: 'timeline' }, ...items));
  }

  // ---- attachments ----

  private attachments(c: CaseFile): HTMLElement {
    const list = c.attachments ?? [];
    const file = el('input', { type: 'file', id: 'attach-file', accept: '.pdf,.png,.jpg,.jpeg,.txt,.csv,.json,.geojson' });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (f) void this.run('attach', async () => (await attach(c.id, f), await getCase(c.id)), `${f.name} is attached.`);
    });
    return el(
      'section',
      { class: 'case-section' },
      el('h3', {}, 'Attachments · 附件'),
      list.length
        ? el(
            'ul',
            { id: 'case-attachments', class: 'attachment-list' },
            ...list.map((a) =>
              el(
                'li',
                { 'data-attachment-id': a.id },
                el('a', { href: attachmentUrl(c.id, a.id), target: '_blank', rel: 'noopener', download: a.name }, a.name),
                el('span', { class: 'attachment-list__meta' }, `${a.contentType} · ${bytes(a.bytes)} · ${a.by} · rev ${a.revision} · `, whenElement(a.at)),
              ),
            ),
          )
        : el('p', { id: 'case-attachments', class: 'case-list__empty' }, 'No attachments. · 无附件'),
      c.closed ? null : el('label', { class: 'check-upload' }, el('span', {}, 'Attach a file (PDF, image, text, CSV, JSON; at most 5 MB) · 添加附件'), file),
    );
  }

  // ---- override, revision, withdrawal ----

  private actions(c: CaseFile): HTMLElement | null {
    const parts: HTMLElement[] = [];
    if (c.youMay.includes('override')) parts.push(this.overrideForm(c));
    if (c.youMay.includes('revise')) parts.push(this.reviseForm(c));
    if (c.youMay.includes('withdraw')) parts.push(this.withdrawForm(c));
    if (parts.length === 0) return null;
    return el('section', { id: 'case-actions', class: 'case-section case-actions' }, ...parts);
  }

  private overrideForm(c: CaseFile): HTMLElement {
    const reason = el('textarea', { id: 'override-reason', rows: '2', maxlength: '4000', placeholder: 'Written reason for the override · 裁定理由' });
    const approve = el('button', { type: 'button', id: 'override-approve', class: 'check-button decide--approve' }, 'Approve the case · 批准');
    const reject = el('button', { type: 'button', id: 'override-reject', class: 'check-button decide--reject' }, 'Reject the case · 驳回');
    const go = (kind: 'approve' | 'reject') =>
      void this.run(`override-${kind}`, () => override(c.id, kind, reason.value.trim()), `The case is ${kind === 'approve' ? 'approved' : 'rejected'} by override.`);
    approve.addEventListener('click', () => go('approve'));
    reject.addEventListener('click', () => go('reject'));
    return el(
      'div',
      { id: 'case-override', class: 'case-action' },
      el('h3', {}, 'Override · 协调办公室裁定'),
      el('p', { class: 'check-hint' }, 'The coordination office may decide the whole case whatever the open reviews say; the reason is recorded.'),
      reason,
      el('div', { class: 'check-actions' }, approve, reject),
    );
  }

  private reviseForm(c: CaseFile): HTMLElement {
    const note = el('textarea', { id: 'revise-note', rows: '2', maxlength: '4000', placeholder: 'What changed · 修改说明' });
    const submit = el('button', { type: 'button', id: 'revise-submit', class: 'check-button check-button--primary' }, 'Submit the revision · 提交修改版');
    const error = el('p', { class: 'decision-error', role: 'alert', hidden: '' });
    const picker = new FootprintPicker('revise', () => (error.hidden = true), (message) => {
      error.textContent = message;
      error.hidden = false;
    });
    if (this.map) picker.attach(this.map);
    this.picker = picker;
    submit.addEventListener('click', () => {
      const missing = picker.complete();
      if (missing || !picker.footprint) {
        error.textContent = missing ?? 'Draw or upload the revised footprint.';
        error.hidden = false;
        return;
      }
      const bufferM = picker.bufferM();
      const feature = { type: 'Feature' as const, geometry: picker.footprint.geometry, properties: bufferM ? { category: c.category, bufferM } : { category: c.category } };
      void this.run('revise', () => revise(c.id, c.revision, note.value.trim(), feature), `Revision ${c.revision + 1} is submitted and routed again.`);
    });
    return el(
      'div',
      { id: 'case-revise', class: 'case-action' },
      el('h3', {}, 'Submit a revision · 提交修改版'),
      el('p', { class: 'check-hint' }, 'A reviewer asked for changes. Draw the revised footprint on the map above or upload it; it is checked and routed again.'),
      picker.element,
      note,
      error,
      el('div', { class: 'check-actions' }, submit),
    );
  }

  private withdrawForm(c: CaseFile): HTMLElement {
    const reason = el('input', { id: 'withdraw-reason', type: 'text', maxlength: '4000', placeholder: 'Why (optional) · 原因（可选）', hidden: '' });
    const open = el('button', { type: 'button', id: 'case-withdraw', class: 'check-button check-button--quiet' }, 'Withdraw the case… · 撤回');
    const confirm = el('button', { type: 'button', id: 'withdraw-confirm', class: 'check-button decide--reject', hidden: '' }, 'Confirm withdrawal · 确认撤回');
    open.addEventListener('click', () => {
      reason.hidden = confirm.hidden = false;
      open.hidden = true;
      reason.focus();
    });
    confirm.addEventListener('click', () => void this.run('withdraw', () => withdraw(c.id, reason.value.trim()), 'The case is withdrawn.'));
    return el('div', { id: 'case-withdraw-box', class: 'case-action case-action--inline' }, open, reason, confirm);
  }

  /** Runs a command; shows its result, or the server's problem (a conflict reloads the case to show what changed). */
  private async run(what: string, command: () => Promise<CaseFile>, done: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.element.setAttribute('aria-busy', 'true');
    const enabled = [...this.body.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
    enabled.forEach((b) => (b.disabled = true));
    this.notice.replaceChildren();
    try {
      const c = await command();
      this.update(c);
      this.notice.replaceChildren(el('p', { id: 'case-message', class: 'case-message', role: 'status', 'data-action': what }, done));
      this.ctx.changed(c);
    } catch (e) {
      this.notice.replaceChildren(problemBox('case-error', 'That did not work · 操作未成功', e));
      if (isUnauthorised(e)) this.ctx.unauthorised();
      else {
        try {
          const now = await getCase(this.id);
          this.update(now);
          this.ctx.changed(now);
        } catch {
          // keep what is shown; the problem is on the page
        }
      }
    } finally {
      this.busy = false;
      this.element.removeAttribute('aria-busy');
      enabled.forEach((b) => (b.disabled = false));
    }
    this.notice.scrollIntoView({ block: 'nearest' });
  }
}

function present(...nodes: (HTMLElement | null)[]): HTMLElement[] {
  return nodes.filter((n): n is HTMLElement => n !== null);
}

function decisionOf(status: string): string {
  return status === 'approved' ? 'approve' : status === 'rejected' ? 'reject' : status === 'changes-requested' ? 'request-changes' : status;
}

function decisionStatus(kind: string): string {
  return kind === 'approve' ? 'approved' : kind === 'reject' ? 'rejected' : 'changes-requested';
}
