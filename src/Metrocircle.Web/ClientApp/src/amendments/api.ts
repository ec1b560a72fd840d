// The amendment endpoints (/amendments, /versions) as the page uses them, through the client typed from the OpenAPI
// document. The balance sheet, the change set and the impact report are JSON nodes in the document (the server
// builds them from the plan's rules), so their shapes are written down here as the server's AmendmentBalance and
// AmendmentImpactApi describe them.

import { apiUrl, fetchJson, type Feature } from '../api';
import { api, ok, type Schemas } from '../client';
import type { Geometry } from '../geometry';

export type Amendment = Schemas['AmendmentView'];
export type AmendmentComment = Schemas['AmendmentComment'];
export type VersionSummary = Schemas['VersionSummary'];

export type Op = 'add' | 'change' | 'retire';

/** One change as POST /amendments takes it (and GET /amendments/{id} gives it back). */
export interface Change {
  op: Op;
  layer: string;
  featureId?: string;
  feature?: { type: 'Feature'; properties: Record<string, unknown>; geometry: Geometry };
}

/** A line of the balance sheet: one rule in one province; areas in `unit` (square metres). */
export interface BalanceLine {
  id: string;
  ok: boolean;
  before: number;
  after: number;
  allowed: number;
  features: string[];
  province?: string | null;
  overridable?: boolean;
  message?: string | null;
}

export interface BalanceSheet {
  ok: boolean;
  unit?: string;
  rules: BalanceLine[];
}

export interface ImpactArea {
  layer: string;
  county?: string | null;
  province?: string | null;
  addedM2: number;
  removedM2: number;
}

export interface ImpactIndicator {
  indicator: string;
  scope: string;
  unit?: string | null;
  before: number | null;
  after: number | null;
}

export interface ImpactCheck {
  checkId: string;
  verdictBefore: string;
  verdictAfter: string;
  rules?: string[];
}

export interface ImpactCase {
  caseId: string;
  title: string;
  status: string;
  checkId: string;
  verdictBefore: string;
  verdictAfter: string;
}

export interface Impact {
  checks: ImpactCheck[];
  cases: ImpactCase[];
  checksChanged?: number;
  casesChanged?: number;
  areas: ImpactArea[];
  indicators: ImpactIndicator[];
  adjacent?: { feature: string; other: string; relation: string; overlapM2: number }[];
  rechecked?: number;
  unchangedWithoutRecheck: number;
}

export interface ProposeBody {
  baseVersion: string;
  title: string;
  rationale: string;
  effectiveFrom: string;
  changes: Change[];
  draft?: boolean;
}

export function balanceOf(a: Amendment): BalanceSheet {
  const b = a.balance as Partial<BalanceSheet> | null;
  return { ok: b?.ok === true, unit: b?.unit, rules: Array.isArray(b?.rules) ? b.rules : [] };
}

export function changesOf(a: Amendment): Change[] {
  return Array.isArray(a.changes) ? (a.changes as Change[]) : [];
}

export async function listAmendments(): Promise<Amendment[]> {
  return (await ok(() => api.GET('/amendments'), './amendments')).amendments;
}

export function getAmendment(id: string): Promise<Amendment> {
  return ok(() => api.GET('/amendments/{amendmentId}', { params: { path: { amendmentId: id } } }), `./amendments/${id}`);
}

export async function getImpact(id: string): Promise<Impact> {
  const body = (await ok(() => api.GET('/amendments/{amendmentId}/impact', { params: { path: { amendmentId: id } } }), `./amendments/${id}/impact`)) as Partial<Impact>;
  return {
    checks: body.checks ?? [],
    cases: body.cases ?? [],
    checksChanged: body.checksChanged,
    casesChanged: body.casesChanged,
    areas: body.areas ?? [],
    indicators: body.indicators ?? [],
    adjacent: body.adjacent ?? [],
    rechecked: body.rechecked,
    unchangedWithoutRecheck: body.unchangedWithoutRecheck ?? 0,
  };
}

export function propose(body: ProposeBody): Promise<Amendment> {
  return ok(() => api.POST('/amendments', { body: { ...body, changes: body.changes as unknown[] } }), './amendments');
}

export function submitDraft(id: string): Promise<Amendment> {
  return ok(() => api.POST('/amendments/{amendmentId}/submit', { params: { path: { amendmentId: id } }, body: {} }), `./amendments/${id}/submit`);
}

export function withdraw(id: string, reason: string): Promise<Amendment> {
  return ok(() => api.POST('/amendments/{amendmentId}/withdraw', { params: { path: { amendmentId: id } }, body: { reason } }), `./amendments/${id}/withdraw`);
}

export function comment(id: string, text: string, geometry: Geometry | null): Promise<Amendment> {
  return ok(() => api.POST('/amendments/{amendmentId}/comments', { params: { path: { amendmentId: id } }, body: { text, geometry: geometry ?? null } }),
    `./amendments/${id}/comments`);
}

export function moderate(id: string, commentId: string, decision: 'show' | 'refuse', reason: string): Promise<Amendment> {
  return ok(() => api.POST('/amendments/{amendmentId}/comments/{commentId}/moderation', { params: { path: { amendmentId: id, commentId } }, body: { decision, reason: reason || null } }),
    `./amendments/${id}/comments/${commentId}/moderation`);
}

export function answer(id: string, commentId: string, text: string): Promise<Amendment> {
  return ok(() => api.POST('/amendments/{amendmentId}/comments/{commentId}/answer', { params: { path: { amendmentId: id, commentId } }, body: { answer: text } }),
    `./amendments/${id}/comments/${commentId}/answer`);
}

export async function listVersions(): Promise<VersionSummary[]> {
  return (await ok(() => api.GET('/versions'), './versions')).versions;
}

/** A feature as a given version held it (the old shape of a retired or changed feature). */
export function featureAt(layer: string, featureId: string, version: string, signal?: AbortSignal): Promise<Feature> {
  return fetchJson<Feature>(apiUrl(`./collections/${encodeURIComponent(layer)}/items/${encodeURIComponent(featureId)}`, { version }), signal);
}
