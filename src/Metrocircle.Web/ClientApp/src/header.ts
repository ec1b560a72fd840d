// The page header: the plan's title from the landing page, its version, and the boundary notice.

import type { Landing } from './api';
import { byId } from './dom';
import { text } from './model';

export function showPlanTitle(landing: Landing): void {
  const m = landing.metrocircle ?? {};
  let zh = text(m.titleZh);
  let en = text(m.titleEn);
  if (!zh && !en) {
    // "English · 中文" from the plain OGC title
    const parts = (text(landing.title) ?? 'Metrocircle').split(' · ');
    en = parts[0] ?? null;
    zh = parts[1] ?? null;
  }
  const zhEl = byId('plan-title-zh');
  const enEl = byId('plan-title-en');
  zhEl.textContent = zh ?? '';
  zhEl.hidden = !zh;
  enEl.textContent = en ?? '';
  enEl.hidden = !en;
  document.title = [zh ?? en, 'Metrocircle'].filter(Boolean).join(' · ');

  const version = [text(m.versionLabel), text(m.effectiveFrom) ? `in force from ${text(m.effectiveFrom)}` : null].filter(Boolean).join(' · ');
  const versionEl = byId('plan-version');
  versionEl.textContent = version;
  versionEl.title = text(m.planVersion) ?? '';
  versionEl.hidden = !version;

  const description = text(landing.description);
  if (description) byId('plan-title').title = description;
}
