import { GraphQLScalarType } from 'graphql';
import { isCanonicalDate, isCanonicalShanghaiIso, scalarResolvers } from '../../schema/index.js';

/** Distinct strings remembered per function; past it the memory starts over (a bound, not an LRU). */
const MAX_ENTRIES = 20_000;

/**
 * A pure string → value function, remembered for strings; throws (bad input) are never remembered.
 * A string `asIs` accepts is its own value, neither looked up nor remembered.
 */
function memoize(fn: (value: unknown) => unknown, asIs: (value: string) => boolean): (value: unknown) => unknown {
  const seen = new Map<string, unknown>();
  return (value) => {
    if (typeof value !== 'string') return fn(value);
    if (asIs(value)) return value;
    const hit = seen.get(value);
    if (hit !== undefined) return hit;
    const result = fn(value);
    if (seen.size >= MAX_ENTRIES) seen.clear();
    seen.set(value, result);
    return result;
  };
}

function memoizedScalar<T>(scalar: GraphQLScalarType<T, T>, asIs: (value: string) => boolean): GraphQLScalarType<T, T> {
  const config = scalar.toConfig();
  return new GraphQLScalarType<T, T>({
    ...config,
    serialize: memoize(config.serialize as (value: unknown) => unknown, asIs) as (value: unknown) => T,
    parseValue: memoize(config.parseValue as (value: unknown) => unknown, asIs) as (value: unknown) => T,
  });
}

/**
 * The shared DateTime and Date scalars with string parsing remembered. A permit's dates pass through
 * them several times on their way to a client — serialized by the department subgraph, read back and
 * serialized again by the gateway — and parsing an ISO string is the costly part of each pass. A
 * string already written the hub's way (what the adapters and subgraphs hand on) is checked character
 * by character and passed on, cheaper than looking it up; other strings are remembered. Same results,
 * same errors: the functions are pure, and only successful results are kept.
 */
export const memoizedScalarResolvers: typeof scalarResolvers = {
  DateTime: memoizedScalar(scalarResolvers.DateTime, isCanonicalShanghaiIso),
  Date: memoizedScalar(scalarResolvers.Date, isCanonicalDate),
};
