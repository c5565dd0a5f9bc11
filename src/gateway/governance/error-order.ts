import type { GraphQLFormattedError } from 'graphql';

type Segment = string | number;

/**
 * A response's errors in the order of the fields they belong to — the order of the response's data,
 * which follows the document — rather than the order in which their resolvers happened to fail.
 * How long a lookup took (a person found, or no one) must not show through which of two refusals in
 * one response comes first. Errors without a path keep their place after those with one; errors at one
 * field keep their relative order.
 *
 * @example
 * orderErrorsByField(errors, { a: null, b: null }); // the error at ["a"] before the one at ["b"]
 */
export function orderErrorsByField(errors: readonly GraphQLFormattedError[], data: unknown): GraphQLFormattedError[] {
  const keyed = errors.map((error, index) => ({ error, index, position: error.path ? positionOf(error.path, data) : null }));
  keyed.sort((a, b) => {
    if (!a.position || !b.position) return a.position ? -1 : b.position ? 1 : a.index - b.index;
    return comparePositions(a.position, b.position) || a.index - b.index;
  });
  return keyed.map((k) => k.error);
}

/** Each segment's place: a list index, or the key's place among its object's keys (-1 where the data stops). */
function positionOf(path: readonly Segment[], data: unknown): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let node = data;
  for (const segment of path) {
    if (typeof segment === 'number') {
      out.push([segment, '']);
      node = Array.isArray(node) ? node[segment] : undefined;
    } else {
      const keys = node && typeof node === 'object' && !Array.isArray(node) ? Object.keys(node) : [];
      out.push([keys.indexOf(segment), segment]);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return out;
}

function comparePositions(a: Array<[number, string]>, b: Array<[number, string]>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [pa, sa] = a[i]!;
    const [pb, sb] = b[i]!;
    if (pa !== pb) return pa - pb;
    // Below a field nulled by an error the data says nothing of order: the names decide, not the clock.
    if (sa !== sb) return sa < sb ? -1 : 1;
  }
  return a.length - b.length;
}
