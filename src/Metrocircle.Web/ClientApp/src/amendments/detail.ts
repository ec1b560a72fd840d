// One amendment, its public notice: the map of the change set, the before/after diff, the balance sheet, the impact,
// the comments (and a comment form during notice, for anyone), moderation for the coordination office, answers
// for the proposer and the office, the proposer's submit and withdraw, and the record. Decisions are taken on the
// amendment's case, in the cases page.
//
// Hooks: #amendment-view[data-amendment-id][data-state] (loading | ready | error)[data-status]; #amendment-status;
// #amendment-map (see map.ts); #amendment-diff, #amendment-balance, #amendment-impact (see tables.ts);
// #amendment-comments li.comment[data-comment-id][data-status]; #comment-form with #comment-text, #comment-point,
// #comment-submit; #amendment-message (role status) after an action; #amendment-error (role alert).

import type { Account } from '../account';
import { el } from '../dom';
import type { Geometry } from '../geometry';
import type { Jurisdictions } from '../cases/casemap';
import { isUnauthorised, problemBox, when, whenElement } from '../cases/format';
import { answer, balanceOf, changesOf, comment, getAmendment, getImpact, moderate, submitDraft, withdraw, type Amendment, type AmendmentComment, type Impact } from './api';
import { amendmentStatusChip, balanceChip } from './list';
import { AmendmentMap } from './map';
import { balanceTable, diffTable, impactSection, resolveChanges, shapesOf, type ResolvedChange } from './tables';

export interface DetailContext {
  account: Account | null;
  jurisdictions: Jurisdictions;
  changed(): void;
  unauthorised(): void;
}

const COMMENT_STATUS: Record<string, string> = { pending: 'Awaiting moderation · 待审核', shown: 'Shown · 已公开', refused: 'Refused · 未通过' };

export class AmendmentDetail {
  readonly element: HTMLElement;
  private readonly mapHost = el('div', { id: 'amendment-map', class: 'case-map amendment-map', 'aria-label': 'Map of the amendment' });
  private readonly head = el('header', { class: 'case-head' });
  private readonly side = el('div', { class: 'amendment-side' });
  private readonly body = el('div', { class: 'case-body' });
  private readonly message = el('div', { class: 'amendment-messages' });
  private map: AmendmentMap | null = null;
  private current: Amendment | null = null;
  private resolved: ResolvedChange[] = [];
  private impact: Impact | null = null;
  private impactProblem: string | null = null;
  private point: Geometry | null = null;
  private picking = false;
  private readonly request = new AbortController();
  /** Kept across re-renders, so that choosing a point does not lose what was typed. */
  private readonly commentText = el('textarea', { id: 'comment-text', rows: '3', maxlength: '4000', placeholder: 'Your comment on this amendment · 您的意见' });

  constructor(
    private readonly id: string,
    private readonly ctx: DetailContext,
  ) {
    this.element = el(
      'article',
      { id: 'amendment-view', class: 'case-view amendment-view', 'data-amendment-id': id, 'data-state': 'loading', 'aria-busy': 'true' },
      this.head,
      this.message,
      el('div', { class: 'case-grid amendment-grid' }, this.mapHost, this.side),
      this.body,
    );
    this.head.append(el('p', { class: 'case-list__empty' }, 'Loading the amendment… · 正在加载'));
  }

  async load(): Promise<void> {
    let a: Amendment;
    try {
      a = await getAmendment(this.id);
    } catch (e) {
      if (isUnauthorised(e)) this.ctx.unauthorised();
      this.head.replaceChildren(problemBox('amendment-error', 'The amendment could not be loaded · 无法加载', e));
      this.element.dataset.state = 'error';
      this.element.removeAttribute('aria-busy');
      return;
    }
    this.map = new AmendmentMap(this.mapHost, this.ctx.jurisdictions, null);
    this.map.onClick = (at) => {
      if (!this.picking) return;
      this.point = { type: 'Point', coordinates: [Number(at[0].toFixed(6)), Number(at[1].toFixed(6))] };
      this.picking = false;
      this.mapHost.classList.remove('is-picking');
      this.renderPins();
      this.render();
    };
    this.show(a);
    const [resolved] = await Promise.all([
      resolveChanges(changesOf(a), a.baseVersion, this.request.signal).catch(() => [] as ResolvedChange[]),
      this.loadImpact(),
    ]);
    this.resolved = resolved;
    void this.map.showChanges(shapesOf(resolved));
    this.render();
    this.element.dataset.state = 'ready';
    this.element.removeAttribute('aria-busy');
  }

  private async loadImpact(): Promise<void> {
    try {
      this.impact = await getImpact(this.id);
    } catch (e) {
      this.impactProblem = `The impact could not be assessed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  private show(a: Amendment): void {
    this.current = a;
    this.element.dataset.status = a.status;
    this.renderPins();
    this.render();
  }

  private renderPins(): void {
    const pins = (this.current?.comments ?? []).filter((c) => c.geometry).map((c) => ({ geometry: c.geometry as Geometry }));
    if (this.point) pins.push({ geometry: this.point, draft: true } as { geometry: Geometry; draft?: boolean });
    void this.map?.showPins(pins);
  }

  private render(): void {
    const a = this.current;
    if (!a) return;
    const province = (id: string) => this.ctx.jurisdictions.name(id);
    const sheet = balanceOf(a);
    this.head.replaceChildren(
      ...present(
      el('div', { class: 'case-head__title' }, el('h2', { id: 'amendment-title' }, a.title), amendmentStatusChip(a.status, 'amendment-status'), balanceChip(sheet.ok)),
      el(
        'p',
        { class: 'case-head__meta' },
        el('span', {}, `In force from · 生效日期 ${a.effectiveFrom}`),
        a.noticeEndsAt ? el('span', {}, a.status === 'public-notice' ? 'Public notice until · 公示截止 ' : 'Notice ended · 公示结束 ', whenElement(a.noticeEndsAt)) : null,
        el('span', {}, `Proposed by ${a.proposer} · `, whenElement(a.createdAt)),
        el('span', {}, `Base version ${a.baseVersion}`),
        a.caseId ? el('a', { id: 'amendment-case', href: `./cases.html#${encodeURIComponent(a.caseId)}`, title: 'Decisions are taken on the case (reviewers)' }, `Case ${a.caseId} · 审批案件`) : null,
        a.publishedVersion ? el('a', { href: `./?version=${encodeURIComponent(a.publishedVersion)}` }, `Published as ${a.publishedVersion} · 查看新版本`) : null,
        el('span', { class: 'case-head__id' }, a.id),
      ),
      el('p', { class: 'amendment-rationale' }, el('strong', {}, 'Rationale · 修改理由 '), a.rationale),
      a.balanceOverride ? el('p', { class: 'amendment-override' }, `Balance overridden by the coordination office: ${a.balanceOverride}`) : null,
      ),
    );
    this.side.replaceChildren(balanceTable(sheet, province));
    this.body.replaceChildren(
      ...present(
      el('section', { class: 'case-section', 'aria-labelledby': 'diff-title' }, el('h3', { id: 'diff-title' }, 'Changes before → after · 修改内容'),
        this.resolved.length || changesOf(a).length === 0 ? diffTable(this.resolved) : el('p', { class: 'case-list__empty' }, 'Reading the features as they were… · 正在读取')),
      impactSection(this.impact, this.impactProblem),
      this.commentsSection(a),
      this.actions(a),
      el(
        'section',
        { class: 'case-section', 'aria-labelledby': 'record-title' },
        el('h3', { id: 'record-title' }, 'Record, newest first · 记录'),
        el('ol', { id: 'amendment-timeline', class: 'timeline' }, ...[...a.timeline].reverse().map((e) =>
          el('li', { class: 'timeline-item amendment-event', 'data-action': e.action }, whenElement(e.at, 'timeline-item__when'),
            el('span', { class: 'timeline-item__what' }, el('strong', {}, e.action), ` · ${e.actor}`, e.detail ? el('span', { class: 'timeline-item__detail' }, e.detail) : null)))),
      ),
      ),
    );
  }

  private commentsSection(a: Amendment): HTMLElement {
    const may = new Set(a.youMay);
    const list = a.comments.length
      ? el('ol', { id: 'amendment-comments', class: 'comment-list' }, ...a.comments.map((c) => this.commentItem(a, c, may)))
      : el('p', { id: 'amendment-comments', class: 'case-list__empty' }, a.status === 'public-notice' ? 'No comment is shown yet. Comments appear once the coordination office has accepted them. · 暂无公开意见' : 'No comments. · 无意见');
    return el(
      'section',
      { class: 'case-section', 'aria-labelledby': 'comments-title' },
      el('h3', { id: 'comments-title' }, `Comments · 公众意见${a.unansweredComments ? ` (${a.unansweredComments} without an answer)` : ''}`),
      list,
      may.has('comment') ? this.commentForm(a) : el('p', { class: 'check-hint' }, 'Comments are taken during public notice only. · 仅公示期间接受意见'),
    );
  }

  private commentItem(a: Amendment, c: AmendmentComment, may: Set<string>): HTMLElement {
    const li = el(
      'li',
      { class: `comment comment--${c.status}`, 'data-comment-id': c.id, 'data-status': c.status },
      el('div', { class: 'comment__head' }, el('strong', {}, c.author || 'anonymous'), ' · ', whenElement(c.at), ' ', el('span', { class: `status-chip status-chip--${c.status === 'shown' ? 'approved' : c.status === 'refused' ? 'rejected' : 'open'}` }, COMMENT_STATUS[c.status] ?? c.status),
        c.geometry ? el('span', { class: 'comment__where' }, ' · on the map ●') : null),
      el('p', { class: 'comment__text' }, c.text),
      c.moderationReason ? el('p', { class: 'comment__moderation' }, `Moderation: ${c.moderationReason}`) : null,
      c.answer ? el('blockquote', { class: 'comment__answer' }, el('strong', {}, `Answer by ${c.answeredBy ?? ''} · 答复 (${when(c.answeredAt)}): `), c.answer) : null,
    );
    if (may.has('moderate') && c.status === 'pending') {
      const reason = el('input', { type: 'text', class: 'moderation-reason', placeholder: 'Reason (required to refuse) · 理由', maxlength: '2000' });
      const show = el('button', { type: 'button', class: 'check-button check-button--primary', 'data-moderate': 'show' }, 'Show · 公开');
      const refuse = el('button', { type: 'button', class: 'check-button', 'data-moderate': 'refuse' }, 'Refuse · 不公开');
      show.addEventListener('click', () => void this.act(() => moderate(a.id, c.id, 'show', reason.value.trim()), 'The comment is shown. · 已公开'));
      refuse.addEventListener('click', () => void this.act(() => moderate(a.id, c.id, 'refuse', reason.value.trim()), 'The comment is refused. · 已拒绝'));
      li.append(el('div', { class: 'case-action case-action--inline comment-moderation' }, reason, show, refuse));
    }
    if (may.has('answer') && c.needsAnswer && !c.answer) {
      const text = el('textarea', { class: 'answer-text', rows: '2', maxlength: '8000', placeholder: 'Answer the comment · 答复意见' });
      const send = el('button', { type: 'button', class: 'check-button check-button--primary answer-submit' }, 'Answer · 答复');
      send.addEventListener('click', () => void this.act(() => answer(a.id, c.id, text.value.trim()), 'The answer is recorded. · 已答复'));
      li.append(el('div', { class: 'case-action comment-answer' }, text, send));
    }
    return li;
  }

  private commentForm(a: Amendment): HTMLElement {
    const text = this.commentText;
    const point = el('button', { type: 'button', id: 'comment-point', class: 'check-button' }, this.point ? 'Point chosen ✓ (click to choose again) · 已选位置' : this.picking ? 'Click the map… · 请点击地图' : 'Point on the map (optional) · 在地图上标注');
    const clear = el('button', { type: 'button', class: 'check-button', hidden: this.point ? undefined : '' }, 'No point · 不标注');
    const submit = el('button', { type: 'submit', id: 'comment-submit', class: 'check-button check-button--primary' }, 'Send comment · 提交意见');
    point.addEventListener('click', () => {
      this.picking = true;
      this.mapHost.classList.add('is-picking');
      point.textContent = 'Click the map… · 请点击地图';
      this.mapHost.scrollIntoView({ block: 'nearest' });
    });
    clear.addEventListener('click', () => {
      this.point = null;
      this.renderPins();
      this.render();
    });
    const form = el(
      'form',
      { id: 'comment-form', class: 'case-action comment-form' },
      el('h4', {}, 'Comment during public notice · 公示期间发表意见'),
      el('p', { class: 'check-hint' }, 'Anyone may comment, signed in or not. A comment is shown once the coordination office has accepted it, and the proposer or the office answers it before the amendment can be approved.'),
      text,
      el('div', { class: 'check-actions' }, point, clear, submit),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = text.value.trim();
      if (!value) {
        this.say(problemBox('amendment-error', 'Write a comment first · 请填写意见', new Error('The comment is empty.')));
        return;
      }
      const geometry = this.point;
      void this.act(() => comment(a.id, value, geometry), 'Thank you: your comment is recorded and will be shown once the coordination office has accepted it. · 意见已提交，待审核后公开', () => {
        this.point = null;
        text.value = '';
      });
    });
    return form;
  }

  private actions(a: Amendment): HTMLElement | null {
    const may = new Set(a.youMay);
    const parts: HTMLElement[] = [];
    if (may.has('submit')) {
      const b = el('button', { type: 'button', id: 'amendment-submit', class: 'check-button check-button--primary' }, 'Submit for public notice · 提交公示');
      b.addEventListener('click', () => void this.act(() => submitDraft(a.id), 'Submitted: the public notice has started and the case is open. · 已提交公示'));
      parts.push(b);
    }
    if (may.has('withdraw')) {
      const reason = el('input', { type: 'text', id: 'amendment-withdraw-reason', placeholder: 'Reason · 理由', maxlength: '2000' });
      const b = el('button', { type: 'button', id: 'amendment-withdraw', class: 'check-button' }, 'Withdraw · 撤回');
      b.addEventListener('click', () => void this.act(() => withdraw(a.id, reason.value.trim()), 'The amendment is withdrawn. · 已撤回'));
      parts.push(el('span', { class: 'case-action--inline' }, reason, b));
    }
    if (!parts.length) return null;
    return el('section', { class: 'case-section', 'aria-label': 'Your actions' }, el('h3', {}, 'Your actions · 操作'), el('div', { class: 'check-actions' }, ...parts));
  }

  private say(node: HTMLElement): void {
    this.message.replaceChildren(node);
    node.scrollIntoView({ block: 'nearest' });
  }

  private async act(call: () => Promise<Amendment>, done: string, after?: () => void): Promise<void> {
    try {
      const a = await call();
      after?.();
      this.show(a);
      this.say(el('p', { id: 'amendment-message', class: 'case-message', role: 'status' }, done));
      this.ctx.changed();
    } catch (e) {
      if (isUnauthorised(e)) this.ctx.unauthorised();
      this.say(problemBox('amendment-error', 'Not done · 未完成', e));
    }
  }

  destroy(): void {
    this.request.abort();
    this.map?.remove();
  }
}

function present(...nodes: (HTMLElement | null)[]): HTMLElement[] {
  return nodes.filter((n): n is HTMLElement => n !== null);
}
