import type { z } from 'zod';
import type { DepartmentSpec, ValueOrRef } from '../spec/department-spec.js';
import type { RawRecord } from '../spec/fields.js';
import type { SpecIssue } from '../spec/spec-issue.js';
import type { Connector } from './contract.js';
import type { Logger } from '../../logging/logger.js';

/** What a kind gets besides the spec when it opens a department's system. */
export interface KindContext {
  /**
   * A setting that may come from the environment or the secrets directory; throws an Error naming the
   * variable or file when it is missing. Secrets never appear in a spec, a log line or an error.
   */
  resolve(value: ValueOrRef): string;
  /** A directory only this department's adapter uses, for stores it owns (CSV's indexed copy); created on demand. */
  dataDir: string;
  logger: Logger;
}

/**
 * A kind of legacy system — `sql`, `rest`, `csv` — that any number of departments are declared on, each
 * by a spec (data, not code), as a kysely `Dialect` serves any number of databases. A kind says what its
 * spec looks like (a zod schema: parsing, path-precise errors and the published JSON Schema all come from
 * it) and opens a connector that hands over raw records under the spec's unified field names; the one
 * spec mapper (`specMapper`) reads them, so no kind maps values itself.
 *
 * @example
 * export const sqlKind: AdapterKind<SqlSpec> = {
 *   name: 'sql',
 *   schema: sqlSpec,
 *   open: async (spec, context) => new SqlConnector(spec, await connect(spec.connection, context)),
 *   inspect: async (spec, context) => checkTablesAndColumns(spec, context),
 * };
 */
export interface AdapterKind<Spec extends DepartmentSpec<any, any, any> = DepartmentSpec<any, any, any>> {
  readonly name: string;
  readonly schema: z.ZodType<Spec, any>;
  /** A connector over the department's system; it may connect lazily, but must fail fast on settings it cannot use. */
  open(spec: Spec, context: KindContext): Promise<Connector<RawRecord, RawRecord>>;
  /**
   * Online structure checks before a spec goes live: that each table, endpoint, file or column the spec
   * names exists, with a `did you mean` where a near name does. Optional: sampling rows (`sampleSpec`)
   * runs for every kind anyway.
   */
  inspect?(spec: Spec, context: KindContext, signal: AbortSignal): Promise<SpecIssue[]>;
}
