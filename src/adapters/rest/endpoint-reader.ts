import { BadDataError } from '../core/adapter-error.js';
import type { RawRecord, SourceField } from '../spec/fields.js';
import { compilePath, type PathOptions, type PathReader } from './json-path.js';
import type { Params } from './rest-client.js';
import type { RestClient } from './rest-client.js';
import type { PagingStyle, RestEntity } from './rest-spec.js';

/** The API answered with an error envelope: HTTP 200, but a code outside the spec's `okValues`. */
export class RestApiError extends Error {
  override name = 'RestApiError';
  constructor(
    /** The envelope's code, as the API gave it (not `code`: that name is for network errors). */
    readonly apiCode: string | number | boolean,
    apiMessage: string,
  ) {
    super(`API error ${String(apiCode).slice(0, 40)}${apiMessage ? `: ${apiMessage.slice(0, 200)}` : ''}`);
  }
}

/** One answer of a list endpoint, read: its rows as raw records, its total and its next cursor or link. */
export interface Answer {
  rows: RawRecord[];
  total: number | undefined;
  next: string | null;
}

/**
 * Where a walk through an endpoint's pages stands: the page index (from 0) for page/size, the offset
 * for offset/limit, and the token — keyset position, cursor or next link — for the others.
 */
export interface Position {
  page: number;
  offset: number;
  token: string | undefined;
}

export const START: Position = { page: 0, offset: 0, token: undefined };

/** One walk: which rows (filter parameters), from where, how many per request, and what to do with each page. */
export interface Walk {
  filter: Params;
  from?: Position;
  /** Rows to ask for, given how many were received so far; page/size keeps the first answer. */
  size(received: number): number;
  /** Gets each answer; returns false to stop. */
  onPage(answer: Answer, size: number): boolean;
  signal: AbortSignal;
}

/**
 * One list endpoint of a department's API, compiled from its part of the spec: the request for any
 * page in the declared paging style, and the answer read — error envelope, rows (each turned into a
 * raw record by the fields' path expressions, compiled once), total and next cursor or link.
 *
 * @example
 * const units = new EndpointReader(client, spec.applicants, applicantSourceFields(spec));
 * const answer = await units.fetch([], START, 100, signal); // { rows, total, next }
 */
export class EndpointReader {
  readonly style: PagingStyle;
  readonly maxPageSize: number;
  readonly #client: RestClient;
  readonly #at: RestEntity;
  readonly #fixed: Params;
  readonly #rows: PathReader;
  readonly #total: PathReader | undefined;
  readonly #next: PathReader | undefined;
  readonly #envelope: { code: PathReader; ok: Set<string>; message: PathReader | undefined } | undefined;
  readonly #fields: Array<readonly [string, PathReader]>;
  /** The keyset token of a page's last row; throws BadDataError when the row cannot give one. */
  readonly #tokenOf: ((record: RawRecord) => string) | undefined;

  constructor(client: RestClient, at: RestEntity, fields: readonly SourceField[], options: PathOptions & { tokenOf?: (record: RawRecord) => string } = {}) {
    this.#client = client;
    this.#at = at;
    this.style = at.paging.style;
    this.maxPageSize = at.maxPageSize;
    this.#fixed = Object.entries(at.params ?? {});
    this.#rows = compilePath(at.rows, options);
    this.#total = at.total === undefined ? undefined : compilePath(at.total, options);
    this.#next = at.paging.next === undefined ? undefined : compilePath(at.paging.next, options);
    this.#envelope = at.errors && {
      code: compilePath(at.errors.codePath, options),
      ok: new Set(at.errors.okValues.map(String)),
      message: at.errors.messagePath === undefined ? undefined : compilePath(at.errors.messagePath, options),
    };
    this.#fields = fields.map((f) => [f.name, compilePath(f.from, options)] as const);
    this.#tokenOf = options.tokenOf;
  }

  /** Whether the answers carry a total (then one page tells how many rows match). */
  get hasTotal(): boolean {
    return this.#total !== undefined;
  }

  /** One request: the page at `position`, `size` rows, of the rows `filter` selects. */
  async fetch(filter: Params, position: Position, size: number, signal: AbortSignal): Promise<Answer> {
    if (this.style === 'nextLink' && position.token !== undefined) return this.read(await this.#client.follow(position.token, signal));
    return this.read(await this.#client.get(this.#at.endpoint, [...this.#fixed, ...filter, ...this.pagingParams(position, size)], signal));
  }

  /** The paging parameters of one request. */
  pagingParams(position: Position, size: number): Params {
    const p = this.#at.paging;
    const n = String(size);
    switch (p.style) {
      case 'page':
        return [
          [p.page!, String((p.firstPage ?? 1) + position.page)],
          [p.size!, n],
        ];
      case 'offset':
        return [
          [p.offset!, String(position.offset)],
          [p.limit!, n],
        ];
      case 'keyset':
      case 'cursor': {
        const out: Array<[string, string]> = position.token === undefined ? [] : [[p.param!, position.token]];
        if (p.limit !== undefined) out.push([p.limit, n]);
        return out;
      }
      case 'nextLink':
        return p.limit === undefined ? [] : [[p.limit, n]];
    }
  }

  /** Where the page after `answer` starts, or null when `answer` was the last. */
  nextPosition(position: Position, answer: Answer, size: number): Position | null {
    const received = position.offset + answer.rows.length;
    if (answer.rows.length === 0 || (answer.total !== undefined && received >= answer.total)) return null;
    let token: string | undefined;
    switch (this.style) {
      case 'page':
      case 'offset':
        if (answer.rows.length < size) return null;
        break;
      case 'keyset':
        if (answer.rows.length < size) return null;
        token = this.tokenOf(answer.rows.at(-1)!);
        break;
      case 'cursor':
      case 'nextLink':
        if (answer.next === null) return null;
        token = answer.next;
        break;
    }
    return { page: position.page + 1, offset: received, token };
  }

  /** The keyset token a row gives for the page after it. */
  tokenOf(record: RawRecord): string {
    if (!this.#tokenOf) throw new BadDataError('keyset paging without a token');
    return this.#tokenOf(record);
  }

  /** Pages one after another from `walk.from` until `onPage` says stop or the API has no more. */
  async walk(walk: Walk): Promise<void> {
    let position = walk.from ?? START;
    const pageSize = this.style === 'page' ? walk.size(0) : 0;
    for (;;) {
      const size = this.style === 'page' ? pageSize : walk.size(position.offset);
      const answer = await this.fetch(walk.filter, position, size, walk.signal);
      if (!walk.onPage(answer, size)) return;
      const next = this.nextPosition(position, answer, size);
      if (next === null) return;
      position = next;
    }
  }

  /** An answer read: envelope checked, rows as raw records. Throws RestApiError or BadDataError. */
  read(body: unknown): Answer {
    const envelope = this.#envelope;
    if (envelope) {
      const code = envelope.code(body);
      if (code === undefined || code === null || typeof code === 'object')
        throw new BadDataError(`API answer has no error code at "${this.#at.errors!.codePath}"`);
      if (!envelope.ok.has(String(code))) {
        const message = envelope.message?.(body);
        throw new RestApiError(code as string | number | boolean, typeof message === 'string' ? message : '');
      }
    }
    const rows = this.#rows(body);
    if (!Array.isArray(rows)) throw new BadDataError(`API answer has no list at "${this.#at.rows}"`);
    let total: number | undefined;
    if (this.#total) {
      const value = this.#total(body);
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw new BadDataError(`API answer has no count at "${this.#at.total}"`);
      total = value as number;
    }
    const next = this.#next?.(body);
    const records = new Array<RawRecord>(rows.length);
    for (let i = 0; i < rows.length; i++) records[i] = this.record(rows[i]);
    return { rows: records, total, next: next === undefined || next === null || next === '' ? null : String(next) };
  }

  /** One row as a raw record: each field's value under its unified name. */
  record(row: unknown): RawRecord {
    if (typeof row !== 'object' || row === null) throw new BadDataError('API row is not an object');
    const out: Record<string, unknown> = {};
    for (const [name, read] of this.#fields) out[name] = read(row);
    return out;
  }
}
