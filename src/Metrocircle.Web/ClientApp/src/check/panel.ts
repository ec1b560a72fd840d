// "Check a project": draw or upload a footprint, choose its category (and a buffer for a point or line), send it
// to POST /checks and read the verdict, with the footprint and the plan features it overlaps on the map.
//
// DOM hooks (see README): #check-start, #check-finish, #check-category, #check-submit, #check-verdict[data-verdict],
// #check-error; #check-sign-in (with #check-sign-in-button) instead of the steps while nobody is signed in.

import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Account, AccountControl } from '../account';
import { ApiError } from '../api';
import { el } from '../dom';
import type { Geometry, LonLat } from '../geometry';
import type { Inspector } from '../inspect';
import type { PlanLayers } from '../layers';
import type { PlanLayer } from '../model';
import { fetchCategories, postCheck, type Category, type CheckRequest, type CheckResult } from './api';
import { Drawing, MIN_VERTICES, type Shape } from './draw';
import { describeGeometry, needsBuffer, parseFootprint, type Footprint } from './footprint';
import { CheckOverlay, MAX_HIGHLIGHTED } from './overlay';
import { renderVerdict } from './verdict';

const SHAPES: { value: Shape; label: string }[] = [
  { value: 'polygon', label: 'Area · 面' },
  { value: 'line', label: 'Line · 线' },
  { value: 'point', label: 'Point · 点' },
];

export class CheckPanel {
  private readonly drawing: Drawing;
  private readonly overlay: CheckOverlay;
  private footprint: Footprint | null = null;
  private categories: Category[] = [];
  private request: AbortController | null = null;

  private readonly start = el('button', { type: 'button', id: 'check-start', class: 'check-button' }, 'Draw on map · 绘制');
  private readonly finish = el('button', { type: 'button', id: 'check-finish', class: 'check-button', disabled: '' }, 'Finish · 完成');
  private readonly cancel = el('button', { type: 'button', id: 'check-cancel', class: 'check-button check-button--quiet', hidden: '' }, 'Cancel · 取消');
  private readonly file = el('input', { type: 'file', id: 'check-file', accept: '.geojson,.json,application/geo+json,application/json' });
  private readonly summary = el('p', { id: 'check-footprint', class: 'check-footprint' });
  private readonly hint = el('p', { class: 'check-hint', id: 'check-draw-hint', hidden: '' });
  private readonly category = el('select', { id: 'check-category', name: 'category' });
  private readonly categoryHint = el('p', { class: 'check-hint', id: 'check-category-hint' });
  private readonly buffer = el('input', { type: 'number', id: 'check-buffer', name: 'bufferM', min: '1', step: '1', inputmode: 'decimal', placeholder: 'e.g. 50' });
  private readonly bufferRow: HTMLElement;
  private readonly submit = el('button', { type: 'button', id: 'check-submit', class: 'check-button check-button--primary' }, 'Check · 核查');
  private readonly clear = el('button', { type: 'button', id: 'check-clear', class: 'check-button check-button--quiet' }, 'Clear · 清除');
  private readonly error = el('div', { id: 'check-error', class: 'check-error', role: 'alert', hidden: '' });
  private readonly result = el('div', { class: 'check-result-host', 'aria-live': 'polite' });
  private readonly shapeInputs: HTMLInputElement[];
  private readonly gate = el('div', { id: 'check-sign-in', class: 'check-sign-in', hidden: '' });
  private readonly steps = el('div', { class: 'check-steps' });

  constructor(
    map: MapLibreMap,
    planLayers: PlanLayers,
    private readonly inspector: Inspector,
    private readonly root: HTMLElement,
    private readonly layerById: (id: string) => PlanLayer | undefined,
    private readonly account: AccountControl,
  ) {
    this.overlay = new CheckOverlay(map, planLayers);
    this.drawing = new Drawing(map, planLayers, {
      changed: () => this.drawingChanged(),
      finished: (g) => this.setFootprint({ geometry: g, origin: 'drawn' }, false),
      cancelled: () => this.drawingChanged(),
    });

    this.shapeInputs = SHAPES.map((s, i) => {
      const input = el('input', { type: 'radio', name: 'check-shape', value: s.value, id: `check-shape-${s.value}` });
      input.checked = i === 0;
      return input;
    });
    const shapes = el(
      'div',
      { class: 'check-shapes', role: 'radiogroup', 'aria-label': 'What to draw' },
      ...SHAPES.map((s, i) => el('label', { class: 'check-shape' }, this.shapeInputs[i]!, el('span', {}, s.label))),
    );
    this.bufferRow = el('label', { class: 'check-field', id: 'check-buffer-row' }, el('span', { class: 'check-field__label' }, 'Buffer width, metres · 缓冲宽度（米）'), this.buffer);
    this.category.append(el('option', { value: '' }, 'Loading categories… · 正在加载'));
    this.category.disabled = true;

    const signIn = el('button', { type: 'button', id: 'check-sign-in-button', class: 'check-button check-button--primary' }, 'Sign in · 登录');
    signIn.addEventListener('click', () => account.open('Sign in to check a project against the plan. · 登录后可核查项目'));
    this.gate.append(el('p', {}, 'Checking a project needs an account; the map itself is open to everyone. · 核查项目需要登录'), signIn);
    this.steps.append(
      el('div', { class: 'check-step' }, el('div', { class: 'check-step__label' }, '1 · Footprint · 用地范围'), shapes, el('div', { class: 'check-actions' }, this.start, this.finish, this.cancel), this.hint, el('label', { class: 'check-upload' }, el('span', {}, 'or upload GeoJSON · 或上传'), this.file), this.summary),
      el('div', { class: 'check-step' }, el('label', { class: 'check-field' }, el('span', { class: 'check-step__label' }, '2 · Category · 项目类别'), this.category), this.categoryHint, this.bufferRow),
      el('div', { class: 'check-actions check-actions--submit' }, this.submit, this.clear),
      this.error,
      this.result,
    );
    root.replaceChildren(
      el('h2', { class: 'layer-group__title' }, el('span', { class: 'zh', lang: 'zh-Hans' }, '项目核查'), el('span', { class: 'en' }, 'Check a project')),
      el('p', { class: 'check-intro' }, 'Draw or upload a footprint, say what it is, and see how it fits the plan.'),
      this.gate,
      this.steps,
    );
    this.signedIn(account.account);
    account.onChange((a) => this.signedIn(a));
    void account.ready.then((a) => this.signedIn(a));

    this.start.addEventListener('click', () => this.beginDrawing());
    this.finish.addEventListener('click', () => this.drawing.finish());
    this.cancel.addEventListener('click', () => this.drawing.cancel());
    this.file.addEventListener('change', () => void this.upload());
    this.category.addEventListener('change', () => this.categoryChanged());
    this.buffer.addEventListener('input', () => this.hideError());
    this.submit.addEventListener('click', () => void this.send());
    this.clear.addEventListener('click', () => this.reset());
    this.summarise();
    void this.loadCategories();
  }

  /** Without an account the panel shows a sign-in prompt instead of its steps (POST /checks needs one). */
  private signedIn(a: Account | null): void {
    const ok = !!a && !a.mustChangePassword;
    this.gate.hidden = ok;
    this.steps.hidden = !ok;
    if (!ok) this.drawing.cancel();
  }

  private async loadCategories(): Promise<void> {
    try {
      this.categories = await fetchCategories();
      this.category.replaceChildren(
        el('option', { value: '' }, 'Choose a category… · 请选择'),
        ...this.categories.map((c) => el('option', { value: c.id, title: c.description ?? undefined }, `${c.nameZh} ${c.nameEn}`)),
      );
      this.category.disabled = false;
      if (this.footprint?.category) this.selectCategory(this.footprint.category);
    } catch (e) {
      this.category.replaceChildren(el('option', { value: '' }, 'No categories · 无法加载类别'));
      this.showError('The categories could not be loaded · 无法加载项目类别', e instanceof Error ? e.message : String(e), null);
    }
  }

  private shape(): Shape {
    return (this.shapeInputs.find((i) => i.checked)?.value as Shape | undefined) ?? 'polygon';
  }

  private beginDrawing(): void {
    this.hideError();
    this.overlay.clearProblem();
    this.inspector.close();
    this.drawing.start(this.shape());
  }

  private drawingChanged(): void {
    const on = this.drawing.active;
    this.inspector.suspended = on;
    this.finish.disabled = !this.drawing.canFinish;
    this.cancel.hidden = !on;
    this.start.textContent = on ? 'Restart · 重画' : 'Draw on map · 绘制';
    this.root.classList.toggle('is-drawing', on);
    if (on) {
      const shape = this.drawing.kind;
      const need = MIN_VERTICES[shape] - this.drawing.count;
      this.hint.hidden = false;
      this.hint.textContent =
        shape === 'point'
          ? 'Click the map where the site is. Esc cancels. · 在地图上点击位置'
          : need > 0
            ? `Click the map to add vertices (${need} more needed). Esc cancels, Backspace removes the last one. · 点击地图添加顶点`
            : 'Double-click, Enter or Finish closes the shape. · 双击或点“完成”结束';
    } else {
      this.hint.hidden = true;
    }
  }

  private async upload(): Promise<void> {
    const file = this.file.files?.[0];
    if (!file) return;
    this.hideError();
    this.drawing.cancel();
    try {
      const footprint = parseFootprint(await file.text(), file.name);
      this.setFootprint(footprint, true);
    } catch (e) {
      this.showError('The file could not be used · 文件无法使用', e instanceof Error ? e.message : String(e), null);
    } finally {
      // the same file may be chosen again after it was fixed
      this.file.value = '';
    }
  }

  private setFootprint(footprint: Footprint, reveal: boolean): void {
    this.footprint = footprint;
    this.clearResult();
    this.overlay.clearProblem();
    this.overlay.setFootprint(footprint.geometry);
    if (reveal) this.overlay.reveal(footprint.geometry);
    if (footprint.category) this.selectCategory(footprint.category);
    if (footprint.bufferM !== undefined) this.buffer.value = String(footprint.bufferM);
    this.summarise();
    this.drawingChanged();
  }

  private selectCategory(id: string): void {
    if (this.categories.some((c) => c.id === id)) {
      this.category.value = id;
      this.categoryChanged();
    }
  }

  private categoryChanged(): void {
    this.hideError();
    const c = this.categories.find((x) => x.id === this.category.value);
    this.categoryHint.textContent = c ? c.description + (c.linear ? ' · usually a line with a buffer width · 通常为带缓冲宽度的线' : '') : '';
    this.summarise();
  }

  /** The summary line under the footprint buttons, and whether the buffer width applies. */
  private summarise(): void {
    const f = this.footprint;
    this.summary.textContent = f ? `${describeGeometry(f.geometry)}${f.origin === 'drawn' ? ' · drawn' : ` · from ${f.origin}`}` : 'No footprint yet. · 尚无用地范围';
    this.summary.classList.toggle('is-empty', !f);
    const buffered = !!f && needsBuffer(f.geometry);
    this.buffer.disabled = !buffered;
    this.buffer.required = buffered;
    this.bufferRow.classList.toggle('is-off', !buffered);
    this.bufferRow.title = buffered ? 'Width of the site around the point or line' : 'Only for a point or line footprint';
  }

  /** Builds the request, or says what is missing. */
  private build(): CheckRequest | string {
    if (this.drawing.active) {
      if (!this.drawing.canFinish) return `Finish the drawing first: it needs at least ${MIN_VERTICES[this.drawing.kind]} vertices.`;
      this.drawing.finish();
    }
    const f = this.footprint;
    if (!f) return 'Draw a footprint on the map or upload a GeoJSON file first. · 请先绘制或上传用地范围';
    const category = this.category.value;
    if (!category) return 'Choose the project category. · 请选择项目类别';
    const request: CheckRequest = { type: 'Feature', geometry: f.geometry, properties: { category } };
    if (needsBuffer(f.geometry)) {
      const width = Number(this.buffer.value);
      if (this.buffer.value.trim() === '' || !Number.isFinite(width) || width <= 0) {
        return `A ${f.geometry.type} footprint needs a buffer width in metres. · 点或线需要缓冲宽度`;
      }
      request.properties.bufferM = width;
    }
    return request;
  }

  private async send(): Promise<void> {
    this.hideError();
    this.overlay.clearProblem();
    const request = this.build();
    if (typeof request === 'string') {
      this.showError('Not ready to check · 尚不能核查', request, null);
      return;
    }
    this.request?.abort();
    const controller = new AbortController();
    this.request = controller;
    this.clearResult();
    this.submit.disabled = true;
    this.submit.textContent = 'Checking… · 核查中';
    this.root.setAttribute('aria-busy', 'true');
    try {
      const result = await postCheck(request, controller.signal);
      if (this.request !== controller) return;
      this.show(result, controller);
    } catch (e) {
      if (controller.signal.aborted) return;
      if (e instanceof ApiError && e.status === 401) {
        this.showError(e.problem?.title ?? 'Not signed in · 未登录', e.problem?.detail ?? e.message, null);
        void this.account.refresh().then((a) => {
          if (!a) this.account.open('Your session has ended; sign in again to check. · 请重新登录');
        });
      } else if (e instanceof ApiError && e.problem) {
        const p = e.problem;
        const location = p.location && p.location.length >= 2 ? ([p.location[0]!, p.location[1]!] as LonLat) : null;
        this.showError(p.title ?? 'The check was refused · 核查未通过受理', p.detail ?? e.message, location);
      } else {
        this.showError('The check could not be made · 核查失败', e instanceof Error ? e.message : String(e), null);
      }
    } finally {
      if (this.request === controller) {
        this.submit.disabled = false;
        this.submit.textContent = 'Check · 核查';
        this.root.removeAttribute('aria-busy');
      }
    }
  }

  private show(result: CheckResult, controller: AbortController): void {
    const view = renderVerdict(result, {
      layerTitle: (id) => {
        const l = this.layerById(id);
        return l ? [l.titleZh, l.titleEn].filter(Boolean).join(' · ') : null;
      },
      focusOverlap: (layer) => {
        const b = this.overlay.overlapBounds(layer);
        if (b) this.overlay.reveal(b);
      },
    });
    this.result.replaceChildren(view);
    if (result.footprint) this.overlay.setFootprint(result.footprint as Geometry);
    view.scrollIntoView({ block: 'nearest' });
    const note = view.querySelector<HTMLElement>('#check-overlap-note');
    const overlaps = result.overlaps ?? [];
    if (overlaps.length === 0) return;
    if (note) note.textContent = 'Highlighting on the map… · 正在地图上标出';
    this.overlay.showOverlaps(overlaps, controller.signal).then(({ shown, total, failed }) => {
      if (controller.signal.aborted || !note) return;
      const capped = total > MAX_HIGHLIGHTED ? ` (the first ${MAX_HIGHLIGHTED} of ${total})` : '';
      note.textContent = `${shown} overlapping ${shown === 1 ? 'feature' : 'features'} highlighted on the map${capped}${failed ? `; ${failed} could not be loaded` : ''}. · 已在地图上标出`;
    });
  }

  private clearResult(): void {
    this.result.replaceChildren();
    this.overlay.clearOverlaps();
  }

  private reset(): void {
    this.request?.abort();
    this.request = null;
    this.submit.disabled = false;
    this.submit.textContent = 'Check · 核查';
    this.root.removeAttribute('aria-busy');
    this.drawing.cancel();
    this.footprint = null;
    this.overlay.setFootprint(null);
    this.overlay.clearProblem();
    this.clearResult();
    this.hideError();
    this.summarise();
  }

  private showError(title: string, detail: string, location: LonLat | null): void {
    this.error.replaceChildren(el('strong', {}, title), el('p', {}, detail));
    if (location) this.error.append(el('p', { class: 'check-error__where' }, `At ${location[0].toFixed(5)}, ${location[1].toFixed(5)} — marked on the map. · 已在地图上标出位置`));
    this.error.hidden = false;
    this.overlay.showProblem(location, title);
    this.error.scrollIntoView({ block: 'nearest' });
  }

  private hideError(): void {
    this.error.hidden = true;
    this.error.replaceChildren();
  }
}
