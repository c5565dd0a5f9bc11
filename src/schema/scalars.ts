import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isCanonicalDate, isCanonicalShanghaiIso, localToShanghaiIso, toShanghaiIso } from './shanghai-time.js';
import { ErrorCode } from './errors.js';

const invalid = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether `value` is an ISO 8601 instant with an offset that names a real calendar day and time
 * (`Date.parse` alone takes 2023-02-30 and 24:00 and rolls them over).
 *
 * @example
 * isIsoInstant('2023-04-12T10:30:00+08:00'); // true
 * isIsoInstant('2023-02-30T00:00:00+08:00'); // false
 */
export function isIsoInstant(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 40) return false;
  const m = ISO_WITH_OFFSET.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = m
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  if (hour! > 23 || minute! > 59 || second > 59 || offsetHours > 14 || offsetMinutes > 59) return false;
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && !Number.isNaN(Date.parse(value));
}

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string') throw invalid('DateTime must be an ISO 8601 string');
  // Every form the scalar takes is short: a long string is refused before any pattern runs over it.
  if (value.length > 40) throw invalid('DateTime is not a valid ISO 8601 date-time');
  if (isCanonicalShanghaiIso(value)) return value;
  if (isIsoInstant(value)) return toShanghaiIso(new Date(value));
  // A bare date or local time is read as Shanghai wall-clock time, the zone every department works in.
  const local = localToShanghaiIso(value);
  if (local) return local;
  throw invalid(`DateTime is not a valid ISO 8601 date-time: ${JSON.stringify(value.slice(0, 40))}`);
}

/** An instant, always written with the Asia/Shanghai offset: `2023-04-12T10:30:00+08:00`. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant in ISO 8601, written in Asia/Shanghai time (+08:00). 日期时间(北京时间)',
  serialize: (value) => (value instanceof Date ? toShanghaiIso(value) : parseDateTime(value)),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime must be a string');
    return parseDateTime(ast.value);
  },
});

function parseDate(value: unknown): string {
  if (typeof value === 'string' && isCanonicalDate(value)) return value;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw invalid('Date must be YYYY-MM-DD');
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw invalid('Date is not a calendar date');
  return value;
}

/** A calendar date in Asia/Shanghai: `2028-05-01`. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD, in Asia/Shanghai. 日期',
  serialize: (value) => (value instanceof Date ? toShanghaiIso(value).slice(0, 10) : parseDate(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('Date must be a string');
    return parseDate(ast.value);
  },
});

/** Resolver map entries for the scalars every subgraph and the gateway share. */
export const scalarResolvers = { DateTime: DateTimeScalar, Date: DateScalar };
