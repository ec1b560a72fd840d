// The account administration endpoints (/users, administrators only) through the client typed from the OpenAPI
// document, and what the add form offers: the plan's jurisdictions (from the OGC API collections) and the
// departments the plan's approval rules name.

import { fetchItems } from '../api';
import { api, ok, type Schemas } from '../client';
import { text } from '../model';

export type AccountView = Schemas['AccountView'];
export type OneTimePassword = Schemas['OneTimePassword'];
export type NewAccount = Schemas['NewAccountRequest'];

export function listAccounts(): Promise<AccountView[]> {
  return ok(() => api.GET('/users'), './users');
}

export function addAccount(body: NewAccount): Promise<OneTimePassword> {
  return ok(() => api.POST('/users', { body }), './users');
}

export function disableAccount(userName: string): Promise<AccountView> {
  return ok(() => api.POST('/users/{userName}/disable', { params: { path: { userName } } }), `./users/${userName}/disable`);
}

export function enableAccount(userName: string): Promise<AccountView> {
  return ok(() => api.POST('/users/{userName}/enable', { params: { path: { userName } } }), `./users/${userName}/enable`);
}

export function resetPassword(userName: string): Promise<OneTimePassword> {
  return ok(() => api.POST('/users/{userName}/reset-password', { params: { path: { userName } } }), `./users/${userName}/reset-password`);
}

/** One jurisdiction of the plan: its id, bilingual name and the id of the jurisdiction it lies in. */
export interface Place {
  id: string;
  name: string;
  parent: string | null;
}

/** The jurisdiction levels an account may be bound to, coarsest first; each is a collection of the plan. */
export const LEVELS = [
  { collection: 'provinces', label: 'Provinces · 省级' },
  { collection: 'cities', label: 'Cities · 市级' },
  { collection: 'counties', label: 'Counties · 县级' },
] as const;

export type Level = (typeof LEVELS)[number]['collection'];

/** The places of each level the plan has (a level the plan lacks is left out). */
export async function loadPlaces(): Promise<Map<Level, Place[]>> {
  const out = new Map<Level, Place[]>();
  const loaded = await Promise.all(LEVELS.map((l) => fetchItems(l.collection).then((fc) => fc.features, () => null)));
  LEVELS.forEach((level, i) => {
    const features = loaded[i];
    if (!features) return;
    const places = features
      .filter((f) => f.id !== undefined)
      .map((f): Place => {
        const p = f.properties ?? {};
        const zh = text(p.nameZh) ?? text(p.name);
        const en = text(p.nameEn);
        return { id: String(f.id), name: [zh, en && en !== zh ? en : null].filter(Boolean).join(' ') || String(f.id), parent: text(p.parent) };
      })
      .sort((a, b) => (a.parent ?? '').localeCompare(b.parent ?? '') || a.id.localeCompare(b.id));
    out.set(level.collection, places);
  });
  return out;
}

/** The departments the approval rules name (id → name), from the plan's approval-rules record layer. */
export async function loadDepartments(): Promise<Map<string, string>> {
  const fc = await fetchItems('approval-rules');
  const departments = new Map<string, string>();
  for (const f of fc.features) {
    const d = f.properties?.departments;
    if (!d || typeof d !== 'object') continue;
    for (const [id, name] of Object.entries(d as Record<string, unknown>)) departments.set(id, typeof name === 'string' ? name : id);
  }
  return departments;
}
