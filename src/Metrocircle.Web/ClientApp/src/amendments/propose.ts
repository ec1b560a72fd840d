// Proposing an amendment (reviewers, the coordination office): title, rationale, effective date, base version, and a
// change set uploaded as GeoJSON and/or made on the map — click a feature of the chosen layer to retire it, draw a
// polygon to add one. Before sending, the page shows the diff and the request itself; after, the balance sheet the
// server returned (blocked or balanced) with the amendment's link.
//
// Hooks: #propose-form; #propose-title, #propose-rationale, #propose-effective, #propose-base, #propose-draft;
// #propose-file (the upload), #propose-file-error; #propose-layer, #propose-retire-mode, #propose-draw,
// #propose-finish, #propose-add-properties; #propose-map (see map.ts); #propose-changes (the diff, see tables.ts);
// #propose-preview (the JSON to be sent); #propose-submit; #propose-result[data-amendment-id] with the balance sheet and a#propose-notice;
// #propose-error (role alert).

import { fetchCollections, type Feature } from '../api';
import { el } from '../dom';
import { toPlanLayers } from '../model';
import type { Jurisdictions } from '../cases/casemap';
import { isUnauthorised, problemBox } from '../cases/format';
import { balanceOf, getImpact, listVersions, propose, type Amendment, type Change, type ProposeBody, type VersionSummary } from './api';
import { parseUpload, UPLOAD_EXAMPLE } from './changes';
import { AmendmentMap, EDIT_MIN_ZOOM } from './map';
import { balanceTable, diffTable, impactSection, resolveChanges, shapesOf } from './tables';

export interface ProposeContext {
  jurisdictions: Jurisdictions;
  created(a: Amendment): void;
  unauthorised(): void;
}

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export class ProposeForm {
  readonly element: HTMLElement;
  private changes: Change[] = [];
  private versions: VersionSummary[] = [];
  private map: AmendmentMap | null = null;
  private retiring = false;
  private resolveRun = 0;
  private readonly title = el('input', { id: 'propose-title', type: 'text', maxlength: '200', required: '' });
  private readonly rationale = el('textarea', { id: 'propose-rationale', rows: '3', maxlength: '8000', required: '' });
  private readonly effective = el('input', { id: 'propose-effective', type: 'date', required: '' });
  private readonly base = el('select', { id: 'propose-base', required: '' });
  private readonly draft = el('input', { id: 'propose-draft', type: 'checkbox' });
  private readonly file = el('input', { id: 'propose-file', type: 'file', accept: '.geojson,.json,application/geo+json,application/json' });
  private readonly fileError = el('p', { id: 'propose-file-error', class: 'decision-error', role: 'alert', hidden: '' });
  private readonly layer = el('select', { id: 'propose-layer', 'aria-label': 'Layer to edit on the map' });
  private readonly retireMode = el('button', { type: 'button', id: 'propose-retire-mode', class: 'check-button', 'aria-pressed': 'false' }, 'Click to retire · 点选删除');
  private readonly drawButton = el('button', { type: 'button', id: 'propose-draw', class: 'check-button' }, 'Draw to add · 绘制新增');
  private readonly finishButton = el('button', { type: 'button', id: 'propose-finish', class: 'check-button check-button--primary', hidden: '' }, 'Finish polygon · 完成');
  private readonly properties = el('textarea', { id: 'propose-add-properties', rows: '2', spellcheck: 'false' });
  private readonly mapHint = el('p', { class: 'check-hint', id: 'propose-map-hint' });
  private readonly mapHost = el('div', { id: 'propose-map', class: 'case-map amendment-map', 'aria-label': 'Map of the change set' });
  private readonly changesHost = el('div', { id: 'propose-changes-host' });
  private readonly preview = el('pre', { id: 'propose-preview', class: 'amendment-json' });
  private readonly submit = el('button', { type: 'submit', id: 'propose-submit', class: 'check-button check-button--primary' }, 'Propose the amendment · 提交修改');
  private readonly problem = el('div', { class: 'amendment-messages' });
  private readonly result = el('div', { id: 'propose-result-host' });

  constructor(private readonly ctx: ProposeContext) {
    this.effective.value = inDays(45);
    this.properties.value = '{}';
    const form = el(
      'form',
      { id: 'propose-form', class: 'case-view propose-form', novalidate: '' },
      el('header', { class: 'case-head' }, el('h2', {}, 'Propose an amendment of the plan · 提出规划修改')),
      el('p', { class: 'check-hint' }, 'An amendment changes features of the plan’s layers. It is balance-checked, assessed for impact, published for public notice and decided as a co-approval case; once approved it becomes a new plan version on its effective date.'),
      el(
        'div',
        { class: 'propose-fields' },
        el('label', {}, el('span', {}, 'Title · 标题'), this.title),
        el('label', { class: 'propose-fields__wide' }, el('span', {}, 'Rationale (published with the notice) · 修改理由'), this.rationale),
        el('label', {}, el('span', {}, 'In force from · 生效日期'), this.effective),
        el('label', {}, el('span', {}, 'Base version · 基础版本'), this.base),
        el('label', { class: 'propose-check' }, this.draft, el('span', {}, 'Save as a draft (check the balance sheet and impact first; submit for public notice later) · 保存草稿')),
      ),
      el(
        'section',
        { class: 'case-section' },
        el('h3', {}, 'Change set from a file · 上传修改文件'),
        el('label', { class: 'propose-file' }, el('span', {}, 'GeoJSON FeatureCollection · 上传 GeoJSON '), this.file),
        this.fileError,
        el(
          'details',
          { class: 'propose-format' },
          el('summary', {}, 'The file format · 文件格式'),
          el('p', {}, 'A GeoJSON FeatureCollection in lon/lat (WGS 84). Each feature carries three top-level members beside "properties": ',
            el('code', {}, 'op'), ' ("add", "change" or "retire"), ', el('code', {}, 'layer'), ' (a collection id, e.g. "permanent-farmland") and ', el('code', {}, 'featureId'),
            ' (the feature to change or retire, or the new feature’s id). A retire needs no geometry; add and change carry the new geometry and the layer’s required properties (farmland: countyId). Features of an uploaded file are added to the change set below.'),
          el('pre', { class: 'amendment-json' }, UPLOAD_EXAMPLE),
        ),
      ),
      el(
        'section',
        { class: 'case-section' },
        el('h3', {}, 'Change set on the map · 在地图上修改'),
        el('div', { class: 'check-actions propose-tools' }, el('label', {}, 'Layer · 图层 ', this.layer), this.retireMode, this.drawButton, this.finishButton),
        el('label', { class: 'propose-properties' }, el('span', {}, 'Properties of a drawn feature (JSON) · 新增要素属性'), this.properties),
        this.mapHint,
        this.mapHost,
      ),
      el('section', { class: 'case-section', 'aria-labelledby': 'propose-changes-title' }, el('h3', { id: 'propose-changes-title' }, 'What will change · 修改内容'), this.changesHost,
        el('details', { class: 'propose-format' }, el('summary', {}, 'The request that will be sent · 将提交的请求'), this.preview)),
      this.problem,
      el('div', { class: 'check-actions' }, this.submit),
      this.result,
    );
    this.element = form;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    for (const field of [this.title, this.rationale, this.effective, this.base, this.draft]) field.addEventListener('input', () => this.renderPreview());
    this.file.addEventListener('change', () => void this.upload());
    this.layer.addEventListener('change', () => void this.map?.setEditLayer(this.layer.value || null));
    this.retireMode.addEventListener('click', () => this.setRetiring(!this.retiring));
    this.drawButton.addEventListener('click', () => {
      this.setRetiring(false);
      this.map?.draw?.start('polygon');
    });
    this.finishButton.addEventListener('click', () => this.map?.draw?.finish());
    void this.renderChanges();
  }

  async mount(): Promise<void> {
    this.map = new AmendmentMap(this.mapHost, this.ctx.jurisdictions, {
      changed: () => {
        const d = this.map?.draw;
        this.finishButton.hidden = !d?.active;
        this.finishButton.disabled = !d?.canFinish;
        if (d?.active) this.mapHint.textContent = 'Click to add vertices; double-click or Finish to close the polygon, Backspace takes the last one back, Esc cancels.';
      },
      finished: (geometry) => this.addDrawn(geometry),
      cancelled: () => (this.mapHint.textContent = ''),
    });
    this.map.onClick = (_, feature) => this.clicked(feature);
    this.map.onEditLoaded = (count, tooLow) => {
      if (this.map?.draw?.active) return;
      this.mapHint.textContent = tooLow ? `Zoom in (to level ${EDIT_MIN_ZOOM}) to see and click the features of ${this.layer.value}. · 放大以显示要素` : this.layer.value ? `${count} features of ${this.layer.value} in view.` : '';
    };
    const [versions, collections] = await Promise.all([listVersions().catch(() => [] as VersionSummary[]), fetchCollections().catch(() => [])]);
    this.versions = versions;
    const inForce = versions.find((v) => v.inForce) ?? versions[0];
    this.base.replaceChildren(...versions.map((v) => el('option', { value: v.id }, `${v.label} · ${v.effectiveFrom}${v.inForce ? ' · in force' : ''} (${v.id})`)));
    if (inForce) this.base.value = inForce.id;
    const layers = toPlanLayers(collections).filter((l) => l.kind !== 'jurisdiction' && l.family === 'polygon');
    this.layer.replaceChildren(el('option', { value: '' }, '—'), ...layers.map((l) => el('option', { value: l.id }, `${l.titleZh ?? ''} ${l.titleEn ?? l.id}`.trim())));
    const farmland = layers.find((l) => l.id === 'permanent-farmland');
    if (farmland) this.layer.value = farmland.id;
    void this.map.setEditLayer(this.layer.value || null);
    this.renderPreview();
  }

  private setRetiring(on: boolean): void {
    this.retiring = on;
    this.retireMode.setAttribute('aria-pressed', String(on));
    this.retireMode.classList.toggle('is-on', on);
    this.mapHost.classList.toggle('is-picking', on);
    if (on) this.mapHint.textContent = 'Click a feature of the chosen layer to retire it (click it again to take it back).';
  }

  private clicked(feature: Feature | null): void {
    if (!this.retiring || !feature || feature.id === undefined) return;
    const layer = this.layer.value;
    const featureId = String(feature.id);
    const at = this.changes.findIndex((c) => c.layer === layer && c.featureId === featureId && c.op === 'retire');
    if (at >= 0) this.changes.splice(at, 1);
    else {
      this.changes.push({ op: 'retire', layer, featureId });
      // a drawn compensation usually belongs to the same county: offer the retired feature's required properties
      const p = feature.properties ?? {};
      const keep = Object.fromEntries(Object.entries(p).filter(([k]) => k === 'countyId' || k === 'grade'));
      if (Object.keys(keep).length) this.properties.value = JSON.stringify(keep);
    }
    void this.renderChanges();
  }

  private addDrawn(geometry: import('../geometry').Geometry): void {
    this.mapHint.textContent = '';
    const layer = this.layer.value;
    if (!layer) {
      this.say(problemBox('propose-error', 'Choose a layer first · 请选择图层', new Error('A drawn feature is added to the layer chosen above.')));
      return;
    }
    let properties: Record<string, unknown>;
    try {
      properties = JSON.parse(this.properties.value || '{}') as Record<string, unknown>;
    } catch {
      this.say(problemBox('propose-error', 'The properties are not JSON · 属性格式错误', new Error('Write them as {"countyId": "…"}.')));
      return;
    }
    const n = this.changes.filter((c) => c.op === 'add').length + 1;
    this.changes.push({ op: 'add', layer, featureId: `${layer}-new-${Date.now().toString(36)}-${n}`, feature: { type: 'Feature', properties, geometry } });
    void this.renderChanges();
  }

  private async upload(): Promise<void> {
    this.fileError.hidden = true;
    const file = this.file.files?.[0];
    if (!file) return;
    try {
      const added = parseUpload(await file.text());
      this.changes.push(...added);
      void this.renderChanges();
    } catch (e) {
      this.fileError.textContent = `${file.name}: ${e instanceof Error ? e.message : String(e)}`;
      this.fileError.hidden = false;
    } finally {
      this.file.value = '';
    }
  }

  private body(): ProposeBody {
    return {
      baseVersion: this.base.value,
      title: this.title.value.trim(),
      rationale: this.rationale.value.trim(),
      effectiveFrom: this.effective.value,
      changes: this.changes,
      ...(this.draft.checked ? { draft: true } : {}),
    };
  }

  private renderPreview(): void {
    const text = JSON.stringify(this.body(), null, 2);
    this.preview.textContent = text.length > 20_000 ? `${text.slice(0, 20_000)}\n… (${text.length.toLocaleString('en')} characters in all)` : text;
  }

  private async renderChanges(): Promise<void> {
    this.renderPreview();
    this.changesHost.dataset.count = String(this.changes.length);
    if (this.changes.length === 0) {
      this.changesHost.replaceChildren(el('p', { class: 'case-list__empty' }, 'No change yet: upload a file, or click and draw on the map. · 尚无修改'));
      void this.map?.showChanges([], false);
      return;
    }
    const run = ++this.resolveRun;
    const resolved = await resolveChanges(this.changes, this.base.value || this.versions[0]?.id || '');
    if (run !== this.resolveRun) return;
    this.changesHost.replaceChildren(diffTable(resolved, (i) => {
      this.changes.splice(i, 1);
      void this.renderChanges();
    }));
    void this.map?.showChanges(shapesOf(resolved), !this.retiring && !this.map?.draw?.active);
  }

  private say(node: HTMLElement): void {
    this.problem.replaceChildren(node);
    node.scrollIntoView({ block: 'nearest' });
  }

  private async send(): Promise<void> {
    const body = this.body();
    const missing = [!body.title && 'a title', !body.rationale && 'a rationale', !body.effectiveFrom && 'an effective date', !body.baseVersion && 'a base version', body.changes.length === 0 && 'at least one change'].filter(Boolean);
    if (missing.length) {
      this.say(problemBox('propose-error', 'Not yet complete · 信息不完整', new Error(`Give ${missing.join(', ')}.`)));
      return;
    }
    this.submit.disabled = true;
    this.problem.replaceChildren();
    try {
      const a = await propose(body);
      const sheet = balanceOf(a);
      const result = el(
        'section',
        { id: 'propose-result', class: 'case-section propose-result', 'data-amendment-id': a.id, 'data-ok': String(sheet.ok) },
        el('h3', {}, sheet.ok ? 'Proposed: the change set is balanced · 已提交，平衡' : 'Proposed, but blocked by the balance rules · 已提交，但未满足平衡规则'),
        el('p', {}, `Amendment ${a.id} is ${a.status}${a.caseId ? `, case ${a.caseId}` : ''}. `, el('a', { id: 'propose-notice', href: `./amendments.html?id=${encodeURIComponent(a.id)}` }, 'Open its notice page · 查看公示页')),
        balanceTable(sheet, (id) => this.ctx.jurisdictions.name(id)),
        impactSection(null, null),
      );
      this.result.replaceChildren(result);
      result.scrollIntoView({ block: 'start' });
      this.ctx.created(a);
      try {
        result.replaceChild(impactSection(await getImpact(a.id), null), result.querySelector('#amendment-impact')!);
      } catch (e) {
        result.replaceChild(impactSection(null, `The impact could not be assessed: ${e instanceof Error ? e.message : String(e)}`), result.querySelector('#amendment-impact')!);
      }
    } catch (e) {
      if (isUnauthorised(e)) this.ctx.unauthorised();
      this.say(problemBox('propose-error', 'The amendment was not accepted · 未能提交', e));
    } finally {
      this.submit.disabled = false;
    }
  }

  destroy(): void {
    this.map?.remove();
  }
}
