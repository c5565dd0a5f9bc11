import type { Kysely } from 'kysely';
import type { HubDatabase } from '../storage/index.js';

/** A department as the registry table describes it. */
export interface DepartmentEntry {
  code: string;
  name: string;
  /** An adapter kind (`market-sql`, `housing-rest`, `health-csv`), or `catalogue` for the bureau's own data. */
  adapterKind: string;
  /** Connection settings; a value `{ "env": "NAME" }` is read from the environment at start, so secrets need not be stored. */
  connection: Record<string, unknown>;
  /** Set when the department's subgraph runs as its own HTTP service. */
  url: string | null;
}

/**
 * Seeds the registry on first start; afterwards the table is the source of truth and the seed is ignored,
 * so adding a department later is a row, not gateway code.
 *
 * @example
 * const departments = await loadRegistry(db, demoRegistrySeed);
 */
export async function loadRegistry(db: Kysely<HubDatabase>, seed: readonly DepartmentEntry[]): Promise<DepartmentEntry[]> {
  const existing = await db.selectFrom('departments').select('code').limit(1).execute();
  if (existing.length === 0 && seed.length > 0) {
    await db
      .insertInto('departments')
      .values(seed.map((d) => ({ code: d.code, name: d.name, adapter_kind: d.adapterKind, connection: JSON.stringify(d.connection), url: d.url })))
      .execute();
  }
  const rows = await db.selectFrom('departments').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, adapterKind: r.adapter_kind, connection: r.connection, url: r.url }));
}

/**
 * A department's connection with `{ env: NAME }` references replaced from `env`; an unset variable is
 * an error naming the variable only.
 *
 * @example
 * resolveConnection({ url: { env: 'HUITONG_HOUSING_API_URL' } }, process.env); // { url: 'http://…' }
 */
export function resolveConnection(connection: Record<string, unknown>, env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(connection)) {
    if (value && typeof value === 'object' && typeof (value as { env?: unknown }).env === 'string') {
      const name = (value as { env: string }).env;
      const resolved = env[name];
      if (resolved === undefined || resolved === '') throw new Error(`environment variable ${name} is not set`);
      out[key] = resolved;
    } else out[key] = value;
  }
  return out;
}
