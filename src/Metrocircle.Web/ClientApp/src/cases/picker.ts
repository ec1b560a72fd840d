// Choosing a footprint for a new case or a revision: draw it on the case map (the project check's drawing) or
// upload a GeoJSON file, with a buffer width for a point or line. The same controls as the map page's check panel.

import { el } from '../dom';
import { MIN_VERTICES, type Shape } from '../check/draw';
import { describeGeometry, needsBuffer, parseFootprint, type Footprint } from '../check/footprint';
import type { Geometry } from '../geometry';
import type { CaseMap } from './casemap';

const SHAPES: { value: Shape; label: string }[] = [
  { value: 'polygon', label: 'Area · 面' },
  { value: 'line', label: 'Line · 线' },
  { value: 'point', label: 'Point · 点' },
];

export class FootprintPicker {
  readonly element: HTMLElement;
  footprint: Footprint | null = null;
  private map: CaseMap | null = null;
  private readonly shapeInputs: HTMLInputElement[];
  private readonly start: HTMLButtonElement;
  private readonly finish: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly file: HTMLInputElement;
  private readonly summary: HTMLElement;
  private readonly hint = el('p', { class: 'check-hint', hidden: '' });
  readonly buffer: HTMLInputElement;
  private readonly bufferRow: HTMLElement;

  /** `prefix` names the controls (e.g. "submit" gives #submit-draw, #submit-file, #submit-buffer). */
  constructor(
    prefix: string,
    private readonly changed: (footprint: Footprint | null) => void,
    private readonly failed: (message: string) => void,
  ) {
    this.shapeInputs = SHAPES.map((s, i) => {
      const input = el('input', { type: 'radio', name: `${prefix}-shape`, value: s.value, id: `${prefix}-shape-${s.value}` });
      input.checked = i === 0;
      return input;
    });
    this.start = el('button', { type: 'button', id: `${prefix}-draw`, class: 'check-button' }, 'Draw on map · 绘制');
    this.finish = el('button', { type: 'button', id: `${prefix}-finish`, class: 'check-button', disabled: '' }, 'Finish · 完成');
    this.cancel = el('button', { type: 'button', id: `${prefix}-cancel`, class: 'check-button check-button--quiet', hidden: '' }, 'Cancel · 取消');
    this.file = el('input', { type: 'file', id: `${prefix}-file`, accept: '.geojson,.json,application/geo+json,application/json' });
    this.summary = el('p', { id: `${prefix}-footprint`, class: 'check-footprint' });
    this.buffer = el('input', { type: 'number', id: `${prefix}-buffer`, min: '1', step: '1', inputmode: 'decimal', placeholder: 'e.g. 50' });
    this.bufferRow = el('label', { class: 'check-field case-form__buffer' }, el('span', { class: 'check-field__label' }, 'Buffer width, metres · 缓冲宽度（米）'), this.buffer);
    this.element = el(
      'div',
      { class: 'case-picker' },
      el('div', { class: 'check-shapes', role: 'radiogroup', 'aria-label': 'What to draw' }, ...SHAPES.map((s, i) => el('label', { class: 'check-shape' }, this.shapeInputs[i]!, el('span', {}, s.label)))),
      el('div', { class: 'check-actions' }, this.start, this.finish, this.cancel),
      this.hint,
      el('label', { class: 'check-upload' }, el('span', {}, 'or upload GeoJSON · 或上传'), this.file),
      this.summary,
      this.bufferRow,
    );
    this.start.addEventListener('click', () => this.map?.draw?.start(this.shape()));
    this.finish.addEventListener('click', () => this.map?.draw?.finish());
    this.cancel.addEventListener('click', () => this.map?.draw?.cancel());
    this.file.addEventListener('change', () => void this.upload());
    this.summarise();
  }

  /** The map to draw on; its drawing events must be routed to drawingChanged / drawn. */
  attach(map: CaseMap): void {
    this.map = map;
  }

  drawn(geometry: Geometry): void {
    this.set({ geometry, origin: 'drawn' });
  }

  drawingChanged(): void {
    const d = this.map?.draw;
    const on = !!d?.active;
    this.finish.disabled = !d?.canFinish;
    this.cancel.hidden = !on;
    this.start.textContent = on ? 'Restart · 重画' : 'Draw on map · 绘制';
    this.element.classList.toggle('is-drawing', on);
    this.hint.hidden = !on;
    if (on && d) {
      const need = MIN_VERTICES[d.kind] - d.count;
      this.hint.textContent =
        d.kind === 'point'
          ? 'Click the map where the site is. · 在地图上点击位置'
          : need > 0
            ? `Click the map to add vertices (${need} more needed); Esc cancels. · 点击地图添加顶点`
            : 'Double-click, Enter or Finish closes the shape. · 双击或点“完成”结束';
    }
  }

  /** Finishes a drawing in progress; returns a message when the footprint is missing or incomplete. */
  complete(): string | null {
    const d = this.map?.draw;
    if (d?.active) {
      if (!d.canFinish) return `Finish the drawing first: it needs at least ${MIN_VERTICES[d.kind]} vertices.`;
      d.finish();
    }
    if (!this.footprint) return 'Draw the footprint on the map or upload a GeoJSON file. · 请绘制或上传用地范围';
    if (needsBuffer(this.footprint.geometry) && !(Number(this.buffer.value) > 0)) {
      return `A ${this.footprint.geometry.type} footprint needs a buffer width in metres. · 点或线需要缓冲宽度`;
    }
    return null;
  }

  bufferM(): number | undefined {
    return this.footprint && needsBuffer(this.footprint.geometry) ? Number(this.buffer.value) : undefined;
  }

  private shape(): Shape {
    return (this.shapeInputs.find((i) => i.checked)?.value as Shape | undefined) ?? 'polygon';
  }

  private async upload(): Promise<void> {
    const file = this.file.files?.[0];
    if (!file) return;
    this.map?.draw?.cancel();
    try {
      this.set(parseFootprint(await file.text(), file.name));
    } catch (e) {
      this.failed(e instanceof Error ? e.message : String(e));
    } finally {
      this.file.value = '';
    }
  }

  private set(footprint: Footprint): void {
    this.footprint = footprint;
    if (footprint.bufferM !== undefined) this.buffer.value = String(footprint.bufferM);
    void this.map?.showFootprint(footprint.geometry, footprint.origin !== 'drawn');
    this.summarise();
    this.drawingChanged();
    this.changed(footprint);
  }

  private summarise(): void {
    const f = this.footprint;
    this.summary.textContent = f ? `${describeGeometry(f.geometry)}${f.origin === 'drawn' ? ' · drawn' : ` · from ${f.origin}`}` : 'No footprint yet. · 尚无用地范围';
    this.summary.classList.toggle('is-empty', !f);
    const buffered = !!f && needsBuffer(f.geometry);
    this.buffer.disabled = !buffered;
    this.bufferRow.classList.toggle('is-off', !buffered);
  }
}
