// The OGC API – Features of the same origin: landing page, collections and their items.
// The server content-negotiates "/", so every request asks for JSON explicitly (?f=json and Accept).

import type { Geometry } from './geometry';

export type Certainty = 'confirmed' | 'indicative' | 'synthetic';

export interface Link {
  href: string;
  rel: string;
  type?: string;
  title?: string;
}

export interface Landing {
  title?: string;
  description?: string;
  metrocircle?: {
    planId?: string;
    titleZh?: string | null;
    titleEn?: string | null;
    planVersion?: string;
    versionLabel?: string | null;
    effectiveFrom?: string | null;
  };
  links?: Link[];
}

export interface CollectionMeta {
  kind?: string;
  titleZh?: string | null;
  titleEn?: string | null;
  geometryType?: string;
  featureCount?: number;
  certainty?: Certainty | string;
  order?: number;
  planVersion?: string;
}

export interface Collection {
  id: string;
  title?: string;
  description?: string | null;
  extent?: { spatial?: { bbox?: number[][] } };
  links?: Link[];
  metrocircle?: CollectionMeta;
}

export type Properties = Record<string, unknown>;

export interface Feature {
  type: 'Feature';
  id?: string | number;
  geometry: Geometry | null;
  properties: Properties | null;
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
  numberMatched?: number;
  numberReturned?: number;
  links?: Link[];
}

/** An RFC 9457 problem document as the server sends it (application/problem+json). */
export interface Problem {
  title?: string;
  detail?: string;
  status?: number;
  /** Where the problem is, [lon, lat], when the server can tell (e.g. a self-intersection). */
  location?: number[];
  /** The whole document, for members some endpoints add (a case conflict's currentRevision, caseStatus, recent). */
  raw?: Record<string, unknown>;
}

/** A failed request, with the problem+json title and detail when the server sent them. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | null,
    readonly problem: Problem | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const PAGE_LIMIT = 10000;
const MAX_PAGES = 100;

/** Resolves a path against the page's own address, so the page also works below a path prefix. */
export function apiUrl(path: string, params: Record<string, string> = {}): string {
  const url = new URL(path, document.baseURI);
  url.searchParams.set('f', 'json');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * The plan the page shows: `?version=ID` or `?asOf=YYYY-MM-DD` on the page's own address (set by the version
 * timeline), passed on to every read of the plan; none means the plan in force today.
 */
export function planSelection(): Record<string, string> {
  const page = new URLSearchParams(location.search);
  const version = page.get('version');
  if (version) return { version };
  const asOf = page.get('asOf');
  return asOf ? { asOf } : {};
}

/** A plan read's URL, with the page's version or date carried along. */
function planUrl(path: string, params: Record<string, string> = {}): string {
  return apiUrl(path, { ...params, ...planSelection() });
}

const ACCEPT = 'application/geo+json, application/json;q=0.9, application/problem+json;q=0.8';

function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(url, { headers: { Accept: ACCEPT }, signal });
}

/** GETs any JSON resource of the server (problem+json becomes an ApiError). */
export function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  return getJson<T>(url, signal);
}

/** POSTs a JSON body; the answer is parsed like any other (problem+json becomes an ApiError). */
export function postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(url, { method: 'POST', headers: { Accept: ACCEPT, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(body), signal });
}

/** Any request whose answer is JSON (problem+json becomes an ApiError); the session cookie goes along. */
export async function requestJson<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(`Cannot reach the server for ${shortUrl(url)} (${e instanceof Error ? e.message : String(e)})`, url, null);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ApiError(problemMessage(response, text), url, response.status, parseProblem(text));
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    const type = response.headers.get('Content-Type') ?? 'unknown type';
    throw new ApiError(`The server answered ${shortUrl(url)} with ${type}, not JSON`, url, response.status);
  }
}

/** The ApiError of a failed answer whose body was {@link body} (problem+json when the server could say more). */
export function apiError(response: Response, body: string): ApiError {
  return new ApiError(problemMessage(response, body), response.url, response.status, parseProblem(body));
}

function problemMessage(response: Response, body: string): string {
  const head = `${shortUrl(response.url)} answered ${response.status} ${response.statusText || 'error'}`.trim();
  try {
    const problem = JSON.parse(body) as { title?: unknown; detail?: unknown };
    const parts = [problem.title, problem.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
    if (parts.length > 0) return `${head}: ${parts.join(' — ')}`;
  } catch {
    // not problem+json
  }
  return head;
}

function parseProblem(body: string): Problem | null {
  try {
    const p = JSON.parse(body) as Record<string, unknown>;
    if (!p || typeof p !== 'object') return null;
    const location = Array.isArray(p.location) && p.location.length >= 2 && p.location.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (p.location as number[]) : undefined;
    return {
      title: typeof p.title === 'string' ? p.title : undefined,
      detail: typeof p.detail === 'string' ? p.detail : undefined,
      status: typeof p.status === 'number' ? p.status : undefined,
      location,
      raw: p,
    };
  } catch {
    return null;
  }
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

export function fetchLanding(signal?: AbortSignal): Promise<Landing> {
  return getJson<Landing>(planUrl('./'), signal);
}

export async function fetchCollections(signal?: AbortSignal): Promise<Collection[]> {
  const body = await getJson<{ collections?: Collection[] }>(planUrl('./collections'), signal);
  if (!Array.isArray(body.collections)) {
    throw new ApiError('The collections document has no "collections" array', apiUrl('./collections'), 200);
  }
  // The plan's layers only: derived collections (kind "derived:…", e.g. the conflict patches) are listed for OGC
  // clients, not drawn, amended or inspected as plan layers.
  return body.collections.filter((c) => typeof c?.id === 'string' && !(c.metrocircle?.kind ?? '').startsWith('derived:'));
}

/** All features of a collection, following "next" links if the server pages them. */
export async function fetchItems(id: string, signal?: AbortSignal): Promise<FeatureCollection> {
  let url: string | undefined = planUrl(`./collections/${encodeURIComponent(id)}/items`, { limit: String(PAGE_LIMIT) });
  const features: Feature[] = [];
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const body: FeatureCollection = await getJson<FeatureCollection>(url, signal);
    if (!Array.isArray(body.features)) {
      throw new ApiError(`Collection "${id}" returned no "features" array`, url, 200);
    }
    features.push(...body.features);
    const next = body.links?.find((l) => l.rel === 'next')?.href;
    url = next && body.features.length > 0 ? sameOrigin(next) : undefined;
  }
  return { type: 'FeatureCollection', features };
}

/** One feature by its id, with all its attributes. */
export function fetchItem(collection: string, featureId: string | number, signal?: AbortSignal): Promise<Feature> {
  return getJson<Feature>(planUrl(`./collections/${encodeURIComponent(collection)}/items/${encodeURIComponent(String(featureId))}`), signal);
}

/** The features of a collection whose extents meet a small box; for finding a clicked tile feature without an id. */
export async function fetchItemsInBBox(collection: string, bbox: [number, number, number, number], limit: number, signal?: AbortSignal): Promise<Feature[]> {
  const url = planUrl(`./collections/${encodeURIComponent(collection)}/items`, { bbox: bbox.map((v) => v.toFixed(7)).join(','), limit: String(limit) });
  const body = await getJson<FeatureCollection>(url, signal);
  return Array.isArray(body.features) ? body.features : [];
}

/** The TileJSON of a collection's vector tiles (WebMercatorQuad), as MapLibre reads it. */
export function tileJsonUrl(collection: string): string {
  // the server carries the version or date into the tile URLs it lists
  const url = new URL(`./collections/${encodeURIComponent(collection)}/tiles/WebMercatorQuad/tilejson.json`, document.baseURI);
  for (const [k, v] of Object.entries(planSelection())) url.searchParams.set(k, v);
  return url.toString();
}

/** Whether the server serves that TileJSON with at least one tile template (older servers have no tiles). */
export async function hasTileJson(collection: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const url = tileJsonUrl(collection);
    const doc = await requestJson<{ tiles?: unknown }>(url, { headers: { Accept: 'application/json' }, signal });
    return Array.isArray(doc.tiles) && doc.tiles.length > 0;
  } catch {
    return false;
  }
}

/** A "next" link is absolute on the server's idea of its host; keep following it on ours. */
export function sameOrigin(href: string): string {
  const target = new URL(href, document.baseURI);
  if (target.origin === location.origin) return target.toString();
  return new URL(target.pathname + target.search, location.origin).toString();
}
