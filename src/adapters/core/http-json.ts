import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { BadDataError } from './adapter-error.js';

/**
 * A legacy JSON API's base address, split so that no error message ever needs to carry it: the URL
 * may hold credentials (user:password, or a token in its query string).
 */
export interface JsonEndpoint {
  /** Origin and path prefix, without credentials and without a trailing slash. */
  readonly base: string;
  /** The base URL's own query string (e.g. `token=…`), kept on every request; may be empty. */
  readonly baseQuery: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The system answered with an HTTP status other than 2xx. Carries the status only, never the URL. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`legacy API answered HTTP ${status}`);
  }
}

/**
 * Parses a department's API base URL. Credentials in the URL move to a Basic `authorization` header,
 * because HTTP clients do not send them from the URL (`fetch` refuses such URLs). Throws without echoing the URL.
 *
 * @example
 * const ep = jsonEndpoint('http://user:pw@10.0.0.5:8080/housing/');
 * // ep.base === 'http://10.0.0.5:8080/housing', ep.headers.authorization === 'Basic dXNlcjpwdw=='
 */
export function jsonEndpoint(url: string): JsonEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    // The TypeError from `new URL` keeps the input on the error object: do not chain it.
    throw new Error('API URL is not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('API URL must be http or https');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  }
  return {
    base: `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`,
    baseQuery: parsed.search.replace(/^\?/, ''),
    headers,
  };
}

/**
 * Query-string parameters; a list is sent comma-separated (`ids=A,B`), each element percent-encoded,
 * so a comma inside an element arrives as `%2C`. `undefined` values are left out.
 */
export type QueryParams = Record<string, string | number | readonly string[] | undefined>;

/**
 * The request URL for `path` under the endpoint, with `params` after the base URL's own query.
 *
 * @example
 * requestUrl(jsonEndpoint('http://h/api?token=t'), '/v2/units', { ids: ['U1', 'U2'] });
 * // 'http://h/api/v2/units?token=t&ids=U1,U2'
 */
export function requestUrl(endpoint: JsonEndpoint, path: string, params: QueryParams): string {
  const parts = endpoint.baseQuery ? [endpoint.baseQuery] : [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const text = typeof value === 'object' ? value.map((v) => encodeURIComponent(v)).join(',') : encodeURIComponent(String(value));
    parts.push(`${encodeURIComponent(key)}=${text}`);
  }
  return `${endpoint.base}${path}${parts.length ? `?${parts.join('&')}` : ''}`;
}

/**
 * One GET returning parsed JSON. Network failures propagate as undici throws them (the core classifies
 * them as UNREACHABLE); a non-2xx status is an `HttpStatusError`; a body that is not JSON is a
 * `BadDataError`. No message mentions the URL.
 *
 * @example
 * const body = await getJson(endpoint, '/api/v2/units', { page: 1, size: 500 }, ctx.signal);
 */
export async function getJson(endpoint: JsonEndpoint, path: string, params: QueryParams, signal: AbortSignal): Promise<unknown> {
  return fetchJson(requestUrl(endpoint, path, params), endpoint.headers, signal);
}

/**
 * Where the legacy APIs' requests go: undici's keep-alive pool, following redirects as `fetch` does
 * (at most 20; undici drops the authorization header when a redirect leaves the origin). `request`
 * rather than `fetch`: the same HTTP client without the WHATWG Request/Response objects and streams,
 * which cost a department's call more of the hub's thread than the call itself.
 */
const dispatcher: Dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 20 }));

/**
 * One GET of an absolute URL returning parsed JSON, as `getJson` does (same errors, no URL in any
 * message), for callers that build the URL themselves or follow one the API gave.
 *
 * @example
 * const body = await fetchJson('http://10.0.0.5/api/permits?page=2', { accept: 'application/json' }, ctx.signal);
 */
export async function fetchJson(url: string, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<unknown> {
  const response = await request(url, { dispatcher, headers, signal });
  if (response.statusCode < 200 || response.statusCode > 299) {
    // Drain the body so the connection can be reused; its content is not trusted or reported.
    await response.body.dump().catch(() => undefined);
    throw new HttpStatusError(response.statusCode);
  }
  const text = await response.body.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadDataError('legacy API answered with a body that is not JSON');
  }
}
