// The form that adds an account: user name, display name, role, and for a reviewer the jurisdiction (a province,
// city or county of the plan) and the department (one the approval rules name). The server checks everything again.

import { ROLE_LABELS } from '../account';
import { ApiError } from '../api';
import { el } from '../dom';
import { addAccount, LEVELS, type Level, type OneTimePassword, type Place } from './api';

/** Roles that act for one jurisdiction and one department; the others act region-wide or for themselves. */
export const BOUND_ROLES = new Set(['reviewer']);

/** Roles that act for a department without a jurisdiction (national reviewers act for a ministry, country-wide). */
export const DEPARTMENT_ROLES = new Set(['national-reviewer']);

export class AddForm {
  readonly element: HTMLFormElement;
  private readonly user = el('input', { id: 'new-user', name: 'userName', required: '', pattern: '[a-z0-9][a-z0-9._\\-]{1,63}', spellcheck: 'false', autocomplete: 'off' });
  private readonly display = el('input', { id: 'new-display', name: 'displayName', maxlength: '200', autocomplete: 'off' });
  private readonly role = el('select', { id: 'new-role', name: 'role', required: '' });
  private readonly jurisdiction = el('select', { id: 'new-jurisdiction', name: 'jurisdiction' });
  private readonly department = el('select', { id: 'new-department', name: 'department' });
  private readonly jurisdictionField = field('Jurisdiction · 辖区', this.jurisdiction, 'A province, city or county of the plan in force.');
  private readonly binding: HTMLElement;
  private readonly error = el('p', { id: 'new-error', class: 'account__error', role: 'alert', hidden: '' });
  private readonly submit = el('button', { type: 'submit', id: 'new-submit', class: 'check-button check-button--primary' }, 'Add · 新增');

  constructor(
    places: Map<Level, Place[]>,
    departments: Map<string, string>,
    private readonly added: (p: OneTimePassword) => void,
  ) {
    for (const [id, label] of Object.entries(ROLE_LABELS)) this.role.append(el('option', { value: id }, label));
    this.role.value = 'proponent';
    this.jurisdiction.append(el('option', { value: '' }, 'Choose a jurisdiction · 选择辖区'));
    const names = new Map<string, string>();
    for (const level of LEVELS) for (const p of places.get(level.collection) ?? []) names.set(p.id, p.name);
    for (const level of LEVELS) {
      const list = places.get(level.collection);
      if (!list?.length) continue;
      const group = el('optgroup', { label: level.label });
      for (const p of list) {
        const parent = p.parent && p.parent !== p.id ? names.get(p.parent) : null;
        group.append(el('option', { value: p.id, 'data-level': level.collection }, parent ? `${p.name} — ${parent}` : p.name));
      }
      this.jurisdiction.append(group);
    }
    this.department.append(el('option', { value: '' }, 'Choose a department · 选择部门'));
    for (const [id, name] of departments) this.department.append(el('option', { value: id }, name === id ? id : `${name} (${id})`));

    const cancel = el('button', { type: 'button', class: 'check-button check-button--quiet' }, 'Cancel · 取消');
    cancel.addEventListener('click', () => this.close());
    this.binding = el(
      'div',
      { class: 'accounts-form__binding' },
      this.jurisdictionField,
      field('Department · 部门', this.department, 'As the approval rules name it.'),
    );
    this.element = el(
      'form',
      { id: 'account-add-form', class: 'accounts-form', hidden: '', 'aria-label': 'Add an account' },
      el('h2', {}, 'Add an account · 新增账户'),
      el(
        'div',
        { class: 'accounts-form__grid' },
        field('User name · 用户名', this.user, '2–64 lower-case letters, digits, “.”, “-” or “_”.'),
        field('Display name · 显示名称', this.display, 'Optional; the user name otherwise.'),
        field('Role · 角色', this.role),
      ),
      this.binding,
      this.error,
      el('div', { class: 'accounts-form__actions' }, this.submit, cancel),
    );
    this.role.addEventListener('change', () => this.showBinding());
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.send();
    });
    this.showBinding();
  }

  open(): void {
    this.element.hidden = false;
    this.error.hidden = true;
    this.user.focus();
  }

  close(): void {
    this.element.hidden = true;
    this.element.reset();
    this.role.value = 'proponent';
    this.showBinding();
  }

  private showBinding(): void {
    const bound = BOUND_ROLES.has(this.role.value);
    const departmentOnly = DEPARTMENT_ROLES.has(this.role.value);
    this.binding.hidden = !bound && !departmentOnly;
    this.jurisdictionField.hidden = !bound;
    this.jurisdiction.required = bound;
    this.department.required = bound || departmentOnly;
  }

  private async send(): Promise<void> {
    const bound = BOUND_ROLES.has(this.role.value);
    const withDepartment = bound || DEPARTMENT_ROLES.has(this.role.value);
    this.submit.disabled = true;
    this.error.hidden = true;
    try {
      const p = await addAccount({
        userName: this.user.value.trim(),
        displayName: this.display.value.trim() || null,
        role: this.role.value,
        jurisdiction: bound ? this.jurisdiction.value : null,
        department: withDepartment ? this.department.value : null,
      });
      this.close();
      this.added(p);
    } catch (e) {
      this.error.textContent = e instanceof ApiError || e instanceof Error ? e.message : String(e);
      this.error.hidden = false;
    } finally {
      this.submit.disabled = false;
    }
  }
}

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return el('label', { class: 'accounts-field' }, el('span', { class: 'accounts-field__label' }, label), control, hint ? el('span', { class: 'accounts-field__hint' }, hint) : null);
}
