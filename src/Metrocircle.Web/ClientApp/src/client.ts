// The application endpoints (accounts, checks, cases, indicators, tasks) through a client typed from the committed
// OpenAPI document: src/Metrocircle.Web/openapi.json → src/api-types.ts by `npm run gen:api`, which `npm run build`
// runs before the type check. An endpoint whose request or answer changes shape breaks the build here, not a user.

import createClient from 'openapi-fetch';
import type { components, paths } from './api-types';
import { ApiError, apiError } from './api';

/** The named request and answer shapes of the OpenAPI document. */
export type Schemas = components['schemas'];

/** Paths resolve against the page's folder, so the pages also work below a path prefix; the session cookie goes along. */
export const api = createClient<paths>({
  baseUrl: new URL('.', document.baseURI).href.replace(/\/$/, ''),
  headers: { Accept: 'application/json, application/problem+json;q=0.9' },
  credentials: 'same-origin',
});

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Sends a request of {@link api}; a network failure becomes an ApiError (an abort stays an AbortError). */
export async function send<T>(request: () => Promise<Answer<T>>, what: string): Promise<Answer<T>> {
  try {
    return await request();
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(`Cannot reach the server for ${what} (${e instanceof Error ? e.message : String(e)})`, what, null);
  }
}

/** The data of a successful answer; a failure (problem+json or not) becomes an ApiError with the problem's title and detail. */
export async function ok<T>(request: () => Promise<Answer<T>>, what: string): Promise<T> {
  const answer = await send(request, what);
  if (!answer.response.ok || answer.error !== undefined) {
    throw apiError(answer.response, typeof answer.error === 'string' ? answer.error : JSON.stringify(answer.error ?? ''));
  }
  return answer.data as T;
}
