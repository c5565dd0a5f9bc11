/**
 * How column values come back, the same on PostgreSQL (pg) and PGlite, so no caller has to care which
 * backend it runs on: 64-bit integers (counts) as numbers, dates and zone-less timestamps as the strings
 * the database stored (a legacy system's local time is not ours to reinterpret), timestamptz as Date.
 */
export const OID = { INT8: 20, DATE: 1082, TIMESTAMP: 1114, NUMERIC: 1700 } as const;

/**
 * The same rules as data, for a PGlite running in a worker thread (functions do not cross threads):
 * `number` parses the text, `text` keeps it.
 */
export const parseAs: Readonly<Record<number, 'number' | 'text'>> = {
  [OID.INT8]: 'number',
  [OID.NUMERIC]: 'number',
  [OID.DATE]: 'text',
  [OID.TIMESTAMP]: 'text',
};

export const typeParsers: Record<number, (value: string) => unknown> = Object.fromEntries(
  Object.entries(parseAs).map(([oid, as]) => [oid, as === 'number' ? (value: string) => Number(value) : (value: string) => value]),
);
