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

/** A failed request, with the problem+json title and detail when the server sent them. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status: number | null,
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

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: 'application/geo+json, application/json;q=0.9, application/problem+json;q=0.8' },
      signal,
    });
  } catch (e) {
    throw new ApiError(`Cannot reach the server for ${shortUrl(url)} (${e instanceof Error ? e.message : String(e)})`, url, null);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new ApiError(problemMessage(response, text), url, response.status);
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    const type = response.headers.get('Content-Type') ?? 'unknown type';
    throw new ApiError(`The server answered ${shortUrl(url)} with ${type}, not JSON`, url, response.status);
  }
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

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

export function fetchLanding(signal?: AbortSignal): Promise<Landing> {
  return getJson<Landing>(apiUrl('./'), signal);
}

export async function fetchCollections(signal?: AbortSignal): Promise<Collection[]> {
  const body = await getJson<{ collections?: Collection[] }>(apiUrl('./collections'), signal);
  if (!Array.isArray(body.collections)) {
    throw new ApiError('The collections document has no "collections" array', apiUrl('./collections'), 200);
  }
  return body.collections.filter((c) => typeof c?.id === 'string');
}

/** All features of a collection, following "next" links if the server pages them. */
export async function fetchItems(id: string, signal?: AbortSignal): Promise<FeatureCollection> {
  let url: string | undefined = apiUrl(`./collections/${encodeURIComponent(id)}/items`, { limit: String(PAGE_LIMIT) });
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

/** A "next" link is absolute on the server's idea of its host; keep following it on ours. */
function sameOrigin(href: string): string {
  const target = new URL(href, document.baseURI);
  if (target.origin === location.origin) return target.toString();
  return new URL(target.pathname + target.search, location.origin).toString();
}
