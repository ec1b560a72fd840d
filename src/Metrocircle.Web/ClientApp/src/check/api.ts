// The project-check endpoints: the category catalogue and POST /checks (a footprint in, a verdict out).

import { api, ok, type Schemas } from '../client';
import type { Geometry } from '../geometry';

export type Category = Schemas['ProjectCategory'];
export type CheckResult = Schemas['CheckView'];
/** A jurisdiction, province or circle the footprint falls in, with its share of the footprint. */
export type Share = Schemas['ShareOfPlace'];
export type Overlap = Schemas['Overlap'];
export type RuleResult = Schemas['RuleResult'];
export type Approval = Schemas['Approval'];
export type EdgeContact = Schemas['EdgeContact'];

/** The request body of POST /checks. */
export interface CheckRequest {
  type: 'Feature';
  geometry: Geometry;
  properties: { category: string; bufferM?: number };
}

export function fetchCategories(signal?: AbortSignal): Promise<Category[]> {
  return ok(() => api.GET('/categories', { signal }), './categories');
}

export function postCheck(request: CheckRequest, signal?: AbortSignal): Promise<CheckResult> {
  // the check is created by POSTing the Feature to the bare collection of checks
  return ok(() => api.POST('/checks', { body: request, headers: { 'Content-Type': 'application/geo+json' }, signal }), './checks');
}

export function reportUrl(id: string): string {
  return new URL(`./checks/${encodeURIComponent(id)}/report`, document.baseURI).toString();
}
