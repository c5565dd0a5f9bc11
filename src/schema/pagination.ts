import { badUserInput } from './errors.js';

/** Largest page a client may ask for; the adapters' batch cap is at least this. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 20;

/**
 * Validates a connection's `first` argument.
 *
 * @example
 * const limit = pageSize(args.first); // 20 when absent; BAD_USER_INPUT above 200 or below 0
 */
export function pageSize(first: number | null | undefined): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be an integer from 0 to ${MAX_PAGE_SIZE}`, { argument: 'first', max: MAX_PAGE_SIZE });
  }
  return first;
}

/**
 * Opaque cursors: base64url JSON with a kind tag, so a cursor from one list is rejected by another.
 *
 * @example
 * const c = encodeCursor('serviceItems', { offset: 40 });
 * decodeCursor(c, 'serviceItems'); // { offset: 40 }
 */
export function encodeCursor(kind: string, payload: unknown): string {
  return Buffer.from(JSON.stringify({ k: kind, p: payload }), 'utf8').toString('base64url');
}

/** The payload of a cursor made by `encodeCursor(kind, …)`; BAD_USER_INPUT for anything else. */
export function decodeCursor<T>(cursor: string, kind: string): T {
  try {
    if (cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('shape');
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown; p?: unknown };
    if (parsed.k !== kind || parsed.p === undefined) throw new Error('kind');
    return parsed.p as T;
  } catch {
    throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
  }
}

/**
 * A Relay connection from `first + 1` rows read in order: the extra row only says a next page exists.
 *
 * @example
 * const rows = await query.limit(first + 1).execute();
 * return toConnection(rows, first, total, (r) => encodeCursor('serviceItems', { code: r.code }));
 */
export function toConnection<T>(rows: readonly T[], first: number, totalCount: number, cursorOf: (row: T) => string) {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ node, cursor: cursorOf(node) }));
  return {
    edges,
    nodes,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
