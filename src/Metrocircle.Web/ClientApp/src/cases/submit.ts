// "Submit a project" for a proponent: title, category, note and a footprint drawn on the map or uploaded; POST /cases
// checks it and routes it to every reviewer concerned, and the page opens the new case.
//
// Hooks: #submit-form, #submit-title, #submit-category (option[value=<category id>]), #submit-note, #submit-draw,
// #submit-finish, #submit-file, #submit-buffer, #submit-send, #submit-error.

import { el } from '../dom';
import type { Category } from '../check/api';
import { submitCase, type CaseFile } from './api';
import { CaseMap, type Jurisdictions } from './casemap';
import { isUnauthorised, problemBox } from './format';
import { FootprintPicker } from './picker';

export class SubmitForm {
  readonly element: HTMLElement;
  private readonly mapHost = el('div', { id: 'submit-map', class: 'case-map', 'aria-label': 'Map to draw the footprint on' });
  private readonly title = el('input', { id: 'submit-title', type: 'text', maxlength: '200', required: '', placeholder: 'e.g. Riverside school campus' });
  private readonly category = el('select', { id: 'submit-category', required: '' });
  private readonly note = el('textarea', { id: 'submit-note', rows: '3', maxlength: '4000', placeholder: 'What the project is, for the reviewers · 项目说明' });
  private readonly send = el('button', { type: 'button', id: 'submit-send', class: 'check-button check-button--primary' }, 'Submit for review · 提交审查');
  private readonly error = el('div', { id: 'submit-error-host' });
  private readonly picker: FootprintPicker;
  private map: CaseMap | null = null;

  constructor(
    private readonly jurisdictions: Jurisdictions,
    categories: Category[],
    private readonly submitted: (c: CaseFile) => void,
    private readonly unauthorised: () => void,
  ) {
    this.category.append(
      el('option', { value: '' }, 'Choose a category… · 请选择'),
      ...categories.map((c) => el('option', { value: c.id, title: c.description ?? undefined }, `${c.nameZh} ${c.nameEn}`)),
    );
    this.picker = new FootprintPicker(
      'submit',
      (f) => {
        this.error.replaceChildren();
        if (f?.category && categories.some((c) => c.id === f.category)) this.category.value = f.category;
      },
      (message) => this.fail('The file could not be used · 文件无法使用', new Error(message)),
    );
    this.element = el(
      'form',
      { id: 'submit-form', class: 'case-view case-submit', 'aria-label': 'Submit a project', novalidate: '' },
      el('header', { class: 'case-head' }, el('div', { class: 'case-head__title' }, el('h2', {}, 'Submit a project · 提交项目'))),
      el(
        'div',
        { class: 'case-grid' },
        this.mapHost,
        el(
          'div',
          { class: 'case-submit__fields' },
          el('label', { class: 'check-field' }, el('span', { class: 'check-step__label' }, 'Title · 项目名称'), this.title),
          el('label', { class: 'check-field' }, el('span', { class: 'check-step__label' }, 'Category · 项目类别'), this.category),
          el('div', { class: 'check-field' }, el('span', { class: 'check-step__label' }, 'Footprint · 用地范围'), this.picker.element),
          el('label', { class: 'check-field' }, el('span', { class: 'check-step__label' }, 'Note · 说明'), this.note),
          this.error,
          el('div', { class: 'check-actions check-actions--submit' }, this.send),
          el('p', { class: 'check-hint' }, 'The footprint is checked against the plan and sent to every jurisdiction, department and office that must review it.'),
        ),
      ),
    );
    this.element.addEventListener('submit', (e) => e.preventDefault());
    this.send.addEventListener('click', () => void this.submit());
  }

  /** Call once the element is in the document (the map needs its size). */
  mount(): void {
    this.map = new CaseMap(this.mapHost, this.jurisdictions, {
      changed: () => this.picker.drawingChanged(),
      finished: (g) => this.picker.drawn(g),
      cancelled: () => this.picker.drawingChanged(),
    });
    this.picker.attach(this.map);
    this.title.focus();
  }

  destroy(): void {
    this.map?.remove();
    this.map = null;
  }

  private fail(title: string, error: unknown): void {
    this.error.replaceChildren(problemBox('submit-error', title, error));
  }

  private async submit(): Promise<void> {
    this.error.replaceChildren();
    const title = this.title.value.trim();
    const category = this.category.value;
    const missing = !title ? 'Give the project a title. · 请填写项目名称' : !category ? 'Choose the category. · 请选择项目类别' : this.picker.complete();
    if (missing || !this.picker.footprint) {
      this.fail('Not ready to submit · 尚不能提交', new Error(missing ?? 'Draw or upload the footprint.'));
      return;
    }
    const bufferM = this.picker.bufferM();
    this.send.disabled = true;
    this.send.textContent = 'Checking and routing… · 正在核查';
    try {
      const c = await submitCase(title, this.note.value.trim(), {
        type: 'Feature',
        geometry: this.picker.footprint.geometry,
        properties: bufferM ? { category, bufferM } : { category },
      });
      this.submitted(c);
    } catch (e) {
      this.fail('The project was not submitted · 提交未成功', e);
      if (isUnauthorised(e)) this.unauthorised();
    } finally {
      this.send.disabled = false;
      this.send.textContent = 'Submit for review · 提交审查';
    }
  }
}
