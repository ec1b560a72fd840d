// The co-approval endpoints (/cases) as the page uses them, through the client typed from the OpenAPI document: a
// full case for one viewer (tasks with current/dueSoon/overdue/youMayDecide, youMay) and a list of summaries.

import { requestJson } from '../api';
import { api, ok, type Schemas } from '../client';
import type { Geometry } from '../geometry';

export type CaseFile = Schemas['CaseView'];
export type CaseSummary = Schemas['CaseSummary'];
export type ReviewTask = Schemas['CaseTaskView'];
export type Attachment = Schemas['CaseAttachment'];
export type CaseStatus = Schemas['CaseStatus'];
export type DecisionKind = Schemas['DecisionKind'];

/** The footprint as POST /cases and /revisions take it: a GeoJSON Feature with the category (and bufferM). */
export interface FeatureBody {
  type: 'Feature';
  geometry: Geometry;
  properties: { category: string; bufferM?: number };
}

const url = (path: string) => new URL(path, document.baseURI).toString();
const ACCEPT = 'application/json, application/problem+json;q=0.9';

export async function listCases(inbox: boolean): Promise<CaseSummary[]> {
  const body = await ok(() => api.GET('/cases', { params: { query: inbox ? { inbox: true } : {} } }), './cases');
  return body.cases;
}

export function getCase(id: string): Promise<CaseFile> {
  return ok(() => api.GET('/cases/{caseId}', { params: { path: { caseId: id } } }), `./cases/${id}`);
}

export function submitCase(title: string, note: string, feature: FeatureBody): Promise<CaseFile> {
  return ok(() => api.POST('/cases', { body: { title, note, feature } }), './cases');
}

export function decide(id: string, taskId: string, decision: DecisionKind, reason: string, revision: number): Promise<CaseFile> {
  return ok(() => api.POST('/cases/{caseId}/tasks/{taskId}/decision', { params: { path: { caseId: id, taskId } }, body: { decision, reason, revision } }),
    `./cases/${id}/tasks/${taskId}/decision`);
}

export function override(id: string, decision: 'approve' | 'reject', reason: string): Promise<CaseFile> {
  return ok(() => api.POST('/cases/{caseId}/override', { params: { path: { caseId: id } }, body: { decision, reason } }), `./cases/${id}/override`);
}

export function revise(id: string, revision: number, note: string, feature: FeatureBody): Promise<CaseFile> {
  return ok(() => api.POST('/cases/{caseId}/revisions', { params: { path: { caseId: id } }, body: { revision, note, feature } }), `./cases/${id}/revisions`);
}

export function withdraw(id: string, reason: string): Promise<CaseFile> {
  return ok(() => api.POST('/cases/{caseId}/withdraw', { params: { path: { caseId: id } }, body: { reason } }), `./cases/${id}/withdraw`);
}

/** The file's bytes are the body, with their own Content-Type: outside what a JSON client sends, so a plain request typed by the document. */
export function attach(id: string, file: File): Promise<Attachment> {
  return requestJson<Attachment>(url(`./cases/${encodeURIComponent(id)}/attachments?name=${encodeURIComponent(file.name)}`), {
    method: 'POST',
    headers: { Accept: ACCEPT, 'Content-Type': file.type || 'application/octet-stream' },
    body: file,
  });
}

export function attachmentUrl(id: string, attachmentId: string): string {
  return url(`./cases/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`);
}

export function checkUrl(checkId: string): string {
  return url(`./checks/${encodeURIComponent(checkId)}`);
}
