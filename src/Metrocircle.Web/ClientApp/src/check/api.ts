// The project-check endpoints: the category catalogue and POST /checks (a footprint in, a verdict out).

import { apiUrl, fetchJson, postJson } from '../api';
import type { Geometry } from '../geometry';

export interface Category {
  id: string;
  nameZh: string;
  nameEn: string;
  description: string;
  /** Linear infrastructure (a line with a buffer is the usual footprint). */
  linear: boolean;
}

export type VerdictResult = 'aligned' | 'conditional' | 'not-aligned';
export type RuleOutcome = 'pass' | 'warn' | 'fail' | 'needs-approval';

/** A jurisdiction, province or circle the footprint falls in, with its share of the footprint. */
export interface Share {
  layer: string;
  id: string;
  name: string | null;
  nameEn: string | null;
  areaHa: number;
  share: number;
}

export interface Overlap {
  /** The OGC collection id. */
  layer: string;
  kind?: string;
  title?: string;
  featureIds: string[];
  areaHa: number;
  share: number;
}

export interface RuleResult {
  id: string;
  title: string;
  outcome: RuleOutcome | string;
  message: string;
  basis: string;
}

export interface Approval {
  authority: string;
  ruleIds: string[];
}

export interface EdgeContact {
  note: string;
  [key: string]: unknown;
}

export interface CheckResult {
  id: string;
  checkedAt?: string;
  verdict: VerdictResult | string;
  planVersion?: string;
  rulesVersion?: string;
  category?: string;
  categoryName?: string;
  areaHa?: number;
  bufferM?: number | null;
  jurisdictions?: Share[];
  provinces?: Share[];
  circles?: Share[];
  overlaps?: Overlap[];
  rules?: RuleResult[];
  approvals?: Approval[];
  edgeContacts?: EdgeContact[];
  footprint?: Geometry;
}

/** The request body of POST /checks. */
export interface CheckRequest {
  type: 'Feature';
  geometry: Geometry;
  properties: { category: string; bufferM?: number };
}

export async function fetchCategories(signal?: AbortSignal): Promise<Category[]> {
  const body = await fetchJson<unknown>(apiUrl('./categories'), signal);
  if (!Array.isArray(body)) throw new Error('/categories is not a list');
  return body.filter((c): c is Category => !!c && typeof (c as Category).id === 'string');
}

export function postCheck(request: CheckRequest, signal?: AbortSignal): Promise<CheckResult> {
  // no ?f=json here: the check is created by POSTing to the bare collection of checks
  const url = new URL('./checks', document.baseURI).toString();
  return postJson<CheckResult>(url, request, signal);
}

export function reportUrl(id: string): string {
  return new URL(`./checks/${encodeURIComponent(id)}/report`, document.baseURI).toString();
}
