import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { localToShanghaiIso, toShanghaiIso } from './shanghai-time.js';
import { ErrorCode } from './errors.js';

const invalid = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT } });

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string') throw invalid('DateTime must be an ISO 8601 string');
  if (ISO_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value))) return toShanghaiIso(new Date(value));
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
