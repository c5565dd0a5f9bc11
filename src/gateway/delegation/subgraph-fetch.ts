import { Readable } from 'node:stream';
import { fetch as whatwgFetch } from '@whatwg-node/fetch';
import { Agent, request } from 'undici';

/** The `fetch` the gateway hands executor-http for subgraphs served over HTTP (it passes the request's context third). */
export type SubgraphFetch = (url: string, init?: RequestInit, context?: unknown) => Promise<Response>;

const FRESH_CONNECTION = Symbol('huitong.freshConnection');

/**
 * A request's context marked to be sent on a new connection: a resend after a kept-alive connection
 * turned out closed must not take another pooled connection the service may have closed as well.
 *
 * @example
 * executor({ ...request, context: onFreshConnection(request.context) });
 */
export function onFreshConnection<C>(context: C): C {
  return (
    typeof context === 'object' && context !== null ? Object.create(context, { [FRESH_CONNECTION]: { value: true } }) : { [FRESH_CONNECTION]: true }
  ) as C;
}

const freshConnectionWanted = (context: unknown) => typeof context === 'object' && context !== null && FRESH_CONNECTION in context;

/**
 * Whether subgraph calls go through undici's `request` (the default) or the WHATWG fetch executor-http
 * uses by default (`HUITONG_SUBGRAPH_FETCH=whatwg`: the reference, for tests).
 */
export const subgraphFetchKind: 'undici' | 'whatwg' = process.env.HUITONG_SUBGRAPH_FETCH === 'whatwg' ? 'whatwg' : 'undici';

/**
 * The client the gateway's HTTP executors call subgraphs with. undici's `request` makes no WHATWG
 * Request, Headers and stream per call, which made fetch the largest part of the gateway's own work on
 * a subgraph answer; the answer it gives executor-http is a `Response` in every part executor-http
 * reads (status, headers, the text, and the body as a stream for event streams).
 *
 * @example
 * buildHTTPExecutor({ endpoint: url, fetch: subgraphFetch() });
 */
export function subgraphFetch(kind = subgraphFetchKind): SubgraphFetch {
  return kind === 'undici' ? undiciFetch : (url, init) => whatwgFetch(url, init);
}

async function undiciFetch(url: string, init: RequestInit = {}, context?: unknown): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase() as 'GET' | 'POST';
  const fresh = freshConnectionWanted(context);
  const answer = await request(url, {
    method,
    headers: headerRecord(init.headers),
    body: typeof init.body === 'string' ? init.body : init.body == null ? null : String(init.body),
    signal: init.signal ?? null,
    // A one-off connection, closed after the answer.
    ...(fresh ? { dispatcher: new Agent(), reset: true } : {}),
  });
  return new UndiciResponse(answer.statusCode, answer.headers, answer.body) as unknown as Response;
}

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers || Array.isArray(headers)) return Object.fromEntries(headers as Iterable<[string, string]>);
  return headers as Record<string, string>;
}

type UndiciBody = Awaited<ReturnType<typeof request>>['body'];

/** The parts of a `Response` a GraphQL HTTP client reads, over undici's answer. */
class UndiciResponse {
  readonly headers: Headers;
  readonly #body: UndiciBody;

  constructor(
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    body: UndiciBody,
  ) {
    const list: Array<[string, string]> = [];
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value === 'string') list.push([name, value]);
      else if (value) for (const v of value) list.push([name, v]);
    }
    this.headers = new Headers(list);
    this.#body = body;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get statusText(): string {
    return '';
  }

  get body(): ReadableStream<Uint8Array> {
    return Readable.toWeb(this.#body) as ReadableStream<Uint8Array>;
  }

  text(): Promise<string> {
    return this.#body.text();
  }

  json(): Promise<unknown> {
    return this.#body.json();
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#body.arrayBuffer();
  }
}
