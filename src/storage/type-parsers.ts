/**
 * How column values come back, the same on PostgreSQL (pg) and PGlite, so no caller has to care which
 * backend it runs on: 64-bit integers (counts) as numbers, dates and zone-less timestamps as the strings
 * the database stored (a legacy system's local time is not ours to reinterpret), timestamptz as Date.
 */
export const OID = { INT8: 20, DATE: 1082, TIMESTAMP: 1114, NUMERIC: 1700 } as const;

export const typeParsers: Record<number, (value: string) => unknown> = {
  [OID.INT8]: (value) => Number(value),
  [OID.NUMERIC]: (value) => Number(value),
  [OID.DATE]: (value) => value,
  [OID.TIMESTAMP]: (value) => value,
};
