// Loading progress and errors, on the page and on <body> for browser tests:
//   body[data-state]  loading | ready | error
//   body[data-ready]  "true" once every layer is drawn and the map has rendered
//   body[data-error]  the message when something failed

import { byId, el } from './dom';

export function setProgress(message: string | null): void {
  const status = byId('status');
  status.hidden = message === null;
  status.textContent = message ?? '';
}

export function setReady(): void {
  setProgress(null);
  document.body.dataset.state = 'ready';
  document.body.dataset.ready = 'true';
}

/** Shows an error banner; `fatal` means nothing useful could be drawn. */
export function showError(title: string, detail: string, fatal: boolean): void {
  const banner = byId('error-banner');
  const items = banner.querySelector('ul') ?? el('ul', {});
  items.append(el('li', {}, detail));
  const reload = el('button', { type: 'button', class: 'error-banner__retry' }, 'Reload · 重新加载');
  reload.addEventListener('click', () => location.reload());
  const dismiss = fatal ? null : el('button', { type: 'button', class: 'error-banner__dismiss' }, 'Dismiss · 关闭');
  dismiss?.addEventListener('click', () => (banner.hidden = true));
  banner.replaceChildren(el('strong', {}, title), items, el('div', { class: 'error-banner__actions' }, reload, dismiss));
  banner.hidden = false;
  if (fatal) banner.classList.add('is-fatal');
  if (fatal) setProgress(null);
  const previous = document.body.dataset.error;
  document.body.dataset.error = previous ? `${previous}; ${detail}` : detail;
  document.body.dataset.state = 'error';
  delete document.body.dataset.ready;
}
