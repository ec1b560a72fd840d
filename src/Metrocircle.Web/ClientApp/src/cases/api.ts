// The co-approval endpoints (/cases) as the page uses them. Types follow CaseViews.cs: a full case for one viewer
// (tasks with current/dueSoon/overdue/youMayDecide, youMay) and a list of summaries (tasksForYou).

import { requestJson } from '../api';
import type { Geometry } from '../geometry';

export type CaseStatus = 'under-review' | 'changes-requested' | 'approved' | 'rejected' | 'withdrawn';
export type DecisionKind = 'approve' | 'reject' | 'request-changes';

export interface CaseRevision {
  number: number;
  submittedAt: string;
  submittedBy: string;
  checkId: string;
  verdict: string;
  planVersion: string;
  rulesVersion: string;
  areaHa: number;
  provinces: string[];
  footprint: Geometry;
  note: string | null;
}

export interface ReviewTask {
  id: string;
  revision: number;
  kind: 'jurisdiction' | 'department' | 'coordination' | string;
  jurisdiction: string | null;
  department: string | null;
  title: string;
  reasons: string[];
  dueAt: string;
  status: 'open' | 'approved' | 'rejected' | 'changes-requested' | 'closed' | string;
  escalated: boolean;
  escalatedAt: string | null;
  current: boolean;
  dueSoon: boolean;
  overdue: boolean;
  youMayDecide: boolean;
}

export interface Decision {
  taskId: string;
  revision: number;
  actor: string;
  kind: DecisionKind;
  reason: string;
  at: string;
  override: boolean;
}

export interface CaseEvent {
  at: string;
  actor: string;
  action: string;
  revision: number;
  detail: string;
}

export interface Attachment {
  id: string;
  name: string;
  contentType: string;
  bytes: number;
  sha256: string;
  by: string;
  at: string;
  revision: number;
}

export interface CaseFile {
  id: string;
  title: string;
  proponent: string;
  category: string;
  status: CaseStatus | string;
  openedAt: string;
  updatedAt: string;
  revisions: CaseRevision[];
  tasks: ReviewTask[];
  decisions: Decision[];
  timeline: CaseEvent[];
  outcome: string | null;
  attachments: Attachment[] | null;
  version: number;
  revision: number;
  closed: boolean;
  youMay: string[];
}

export interface TaskForYou {
  id: string;
  title: string;
  dueAt: string;
  dueSoon: boolean;
  overdue: boolean;
  escalated: boolean;
}

export interface CaseSummary {
  id: string;
  title: string;
  proponent: string;
  category: string;
  status: CaseStatus | string;
  revision: number;
  verdict: string;
  provinces: string[];
  openedAt: string;
  updatedAt: string;
  version: number;
  openTasks: number;
  tasksForYou: TaskForYou[];
}

/** The footprint as POST /cases and /revisions take it: a GeoJSON Feature with the category (and bufferM). */
export interface FeatureBody {
  type: 'Feature';
  geometry: Geometry;
  properties: { category: string; bufferM?: number };
}

const url = (path: string) => new URL(path, document.baseURI).toString();
const ACCEPT = 'application/json, application/problem+json;q=0.9';

function send<T>(path: string, body: unknown): Promise<T> {
  return requestJson<T>(url(path), { method: 'POST', headers: { Accept: ACCEPT, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

const c = (id: string) => `./cases/${encodeURIComponent(id)}`;

export async function listCases(inbox: boolean): Promise<CaseSummary[]> {
  const body = await requestJson<{ cases?: CaseSummary[] }>(url(`./cases${inbox ? '?inbox=true' : ''}`), { headers: { Accept: ACCEPT } });
  return Array.isArray(body.cases) ? body.cases : [];
}

export function getCase(id: string): Promise<CaseFile> {
  return requestJson<CaseFile>(url(c(id)), { headers: { Accept: ACCEPT } });
}

export function submitCase(title: string, note: string, feature: FeatureBody): Promise<CaseFile> {
  return send<CaseFile>('./cases', { title, note, feature });
}

export function decide(id: string, taskId: string, decision: DecisionKind, reason: string, revision: number): Promise<CaseFile> {
  return send<CaseFile>(`${c(id)}/tasks/${encodeURIComponent(taskId)}/decision`, { decision, reason, revision });
}

export function override(id: string, decision: 'approve' | 'reject', reason: string): Promise<CaseFile> {
  return send<CaseFile>(`${c(id)}/override`, { decision, reason });
}

export function revise(id: string, revision: number, note: string, feature: FeatureBody): Promise<CaseFile> {
  return send<CaseFile>(`${c(id)}/revisions`, { revision, note, feature });
}

export function withdraw(id: string, reason: string): Promise<CaseFile> {
  return send<CaseFile>(`${c(id)}/withdraw`, { reason });
}

export function attach(id: string, file: File): Promise<Attachment> {
  return requestJson<Attachment>(url(`${c(id)}/attachments?name=${encodeURIComponent(file.name)}`), {
    method: 'POST',
    headers: { Accept: ACCEPT, 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
}

export function attachmentUrl(id: string, attachmentId: string): string {
  return url(`${c(id)}/attachments/${encodeURIComponent(attachmentId)}`);
}

export function checkUrl(checkId: string): string {
  return url(`./checks/${encodeURIComponent(checkId)}`);
}
