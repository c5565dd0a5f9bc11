import pLimit, { type LimitFunction } from 'p-limit';
import { BadDataError } from '../core/adapter-error.js';
import type { KindContext } from '../core/adapter-kind.js';
import { fetchJson, jsonEndpoint, type JsonEndpoint } from '../core/http-json.js';
import type { RestSpec } from './rest-spec.js';

/** A query parameter's value: text, or a list sent joined by a separator. */
export type ParamValue = string | { list: readonly string[]; separator: string };
/** Query parameters in the order they are sent. */
export type Params = ReadonlyArray<readonly [name: string, value: ParamValue]>;

export interface RestClientSettings {
  /** The resolved base URL (may hold user:password, sent as Basic auth). */
  baseUrl: string;
  /** The resolved credential header, e.g. `{ header: 'Authorization', value: 'Bearer …' }`. */
  auth?: { header: string; value: string } | undefined;
  /** Most requests in flight at once. */
  maxConcurrency: number;
}

/**
 * The department's API as the connector sees it: GETs under one base URL, at most `maxConcurrency`
 * at a time (p-limit), with the credential header on each. No message it throws carries the URL or
 * the credential; HTTP error statuses are `HttpStatusError` with the `status`.
 *
 * @example
 * const client = new RestClient({ baseUrl: 'http://10.0.0.5:8080', maxConcurrency: 4 });
 * const body = await client.get('/api/v2/permits', [['limit', '10']], signal);
 */
export class RestClient {
  readonly #endpoint: JsonEndpoint;
  readonly #origin: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #limit: LimitFunction;

  constructor(settings: RestClientSettings) {
    this.#endpoint = jsonEndpoint(settings.baseUrl);
    this.#origin = new URL(this.#endpoint.base).origin;
    this.#headers = settings.auth ? { ...this.#endpoint.headers, [settings.auth.header.toLowerCase()]: settings.auth.value } : this.#endpoint.headers;
    this.#limit = pLimit(settings.maxConcurrency);
  }

  /** GET `path` under the base URL with `params` (after the base URL's own query). */
  get(path: string, params: Params, signal: AbortSignal): Promise<unknown> {
    return this.#fetch(this.url(path, params), signal);
  }

  /**
   * GET a link the API gave (a next-page URL), relative to the base URL. Only on the API's own origin:
   * the credential header must never go anywhere else.
   */
  follow(link: string, signal: AbortSignal): Promise<unknown> {
    return this.#fetch(this.resolveLink(link), signal);
  }

  /** A link as an absolute URL on the API's origin; throws BadDataError for any other. */
  resolveLink(link: string): string {
    let url: URL;
    try {
      url = new URL(link, `${this.#endpoint.base}/`);
    } catch {
      throw new BadDataError('API gave a next link that is not a URL');
    }
    if (url.origin !== this.#origin) throw new BadDataError('API gave a next link to another origin; not followed');
    return url.href;
  }

  /** The request URL; lists are joined by their separator, each value percent-encoded. */
  url(path: string, params: Params): string {
    const parts = this.#endpoint.baseQuery ? [this.#endpoint.baseQuery] : [];
    for (const [name, value] of params) {
      const text = typeof value === 'string' ? encodeURIComponent(value) : value.list.map(encodeURIComponent).join(encodeSeparator(value.separator));
      parts.push(`${encodeURIComponent(name)}=${text}`);
    }
    return `${this.#endpoint.base}${path}${parts.length ? `?${parts.join('&')}` : ''}`;
  }

  #fetch(url: string, signal: AbortSignal): Promise<unknown> {
    return this.#limit(() => {
      // A request that waited for a slot past its deadline is not sent.
      signal.throwIfAborted();
      return fetchJson(url, this.#headers, signal);
    });
  }
}

/** `,` `;` `|` `:` travel as they are (as legacy servers expect); anything else percent-encoded. */
function encodeSeparator(separator: string): string {
  return /^[,;|:]+$/.test(separator) ? separator : encodeURIComponent(separator);
}

/** Thrown by `restClientFor` for a setting it cannot use: the spec path, and why (never the value). */
export class RestSettingError extends Error {
  override name = 'RestSettingError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/**
 * The department's API client from the spec's connection, secrets resolved through the context.
 *
 * @example
 * const client = restClientFor(spec, { resolve: (v) => resolveValue(v, { env: process.env }) });
 */
export function restClientFor(spec: RestSpec, context: Pick<KindContext, 'resolve'>): RestClient {
  const setting = <T>(path: string, read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw new RestSettingError(path, (error as Error).message);
    }
  };
  const baseUrl = setting('connection.baseUrl', () => context.resolve(spec.connection.baseUrl));
  const auth = spec.connection.auth;
  const credential = auth && setting('connection.auth.value', () => context.resolve(auth.value));
  const header = auth && { header: auth.header, value: auth.scheme ? `${auth.scheme} ${credential}` : credential! };
  // RestClient's own messages never echo the URL.
  return setting('connection.baseUrl', () => new RestClient({ baseUrl, auth: header, maxConcurrency: spec.connection.maxConcurrency }));
}
