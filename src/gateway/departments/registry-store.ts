import { sql, type Kysely, type Transaction } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';

/** The PostgreSQL channel a registry change is announced on. */
export const REGISTRY_CHANNEL = 'huitong_registry';

/** A department as the registry holds it: its active spec (data, not code) and whether it serves. */
export interface DepartmentEntry {
  code: string;
  name: string;
  /** The spec's kind (`sql`, `rest`, `csv`, …), or `catalogue` for the bureau's own data. */
  adapterKind: string;
  /** The active spec as stored (validated when opened); null for the catalogue. */
  spec: Record<string, unknown> | null;
  specVersion: number | null;
  enabled: boolean;
  /** Set when the department's subgraph runs as its own HTTP service. */
  url: string | null;
}

/** A stored version of a department's spec. */
export interface SpecVersion {
  version: number;
  spec: Record<string, unknown>;
  createdAt: Date;
  createdBy: string;
  note: string | null;
  active: boolean;
}

/** What the registry seeds on a first start: the demo district's departments, or none. */
export type RegistrySeed = ReadonlyArray<Pick<DepartmentEntry, 'code' | 'name' | 'adapterKind' | 'spec' | 'url'>>;

/**
 * The registry: seeded on first start, then the source of truth. A department whose row predates specs
 * (a bespoke adapter kind) adopts the seed's spec for its code as version 1, so an upgrade keeps serving.
 *
 * @example
 * const departments = await loadRegistry(db, demoRegistrySeed);
 */
export async function loadRegistry(db: Kysely<HubDatabase>, seed: RegistrySeed): Promise<DepartmentEntry[]> {
  await db.transaction().execute(async (trx) => {
    await lockRegistry(trx);
    const existing = await trx.selectFrom('departments').select(['code', 'spec_version', 'adapter_kind']).execute();
    const known = new Map(existing.map((row) => [row.code, row]));
    const firstStart = existing.length === 0;
    for (const entry of seed) {
      const row = known.get(entry.code);
      if (firstStart) {
        await trx
          .insertInto('departments')
          .values({ code: entry.code, name: entry.name, adapter_kind: entry.adapterKind, connection: '{}', url: entry.url })
          .execute();
      } else if (!row || row.spec_version !== null || entry.spec === null || row.adapter_kind === 'catalogue') continue;
      if (entry.spec) await insertVersion(trx, entry.code, entry.name, entry.adapterKind, entry.spec, 'seed', 'seeded on first start');
    }
  });
  return listDepartments(db);
}

/** Every department in the registry, by code, enabled or not. */
export async function listDepartments(db: Kysely<HubDatabase>): Promise<DepartmentEntry[]> {
  const rows = await db
    .selectFrom('departments as d')
    .leftJoin('department_specs as s', (join) => join.onRef('s.code', '=', 'd.code').onRef('s.version', '=', 'd.spec_version'))
    .select(['d.code', 'd.name', 'd.adapter_kind', 'd.url', 'd.enabled', 'd.spec_version', 's.spec'])
    .orderBy('d.code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    adapterKind: r.adapter_kind,
    spec: (r.spec as Record<string, unknown> | null) ?? null,
    specVersion: r.spec_version,
    enabled: r.enabled,
    url: r.url,
  }));
}

/** The registry's generation: it grows with every change, so a process can tell it is behind. */
export async function registryGeneration(db: Kysely<HubDatabase>): Promise<number> {
  const row = await db.selectFrom('registry_state').select('generation').where('id', '=', 1).executeTakeFirst();
  return Number(row?.generation ?? 0);
}

/**
 * Stores a spec as its department's next version and makes it active; a new code adds the department.
 * Returns the version and the registry's new generation.
 *
 * @example
 * const { version } = await saveSpecVersion(db, spec, { actor: 'steward-1', note: 'new status codes' });
 */
export async function saveSpecVersion(
  db: Kysely<HubDatabase>,
  spec: { code: string; name: string; kind: string } & Record<string, unknown>,
  options: { actor: string; note?: string | null },
): Promise<{ version: number; generation: number }> {
  return db.transaction().execute(async (trx) => {
    await lockRegistry(trx);
    const version = await insertVersion(trx, spec.code, spec.name, spec.kind, spec, options.actor, options.note ?? null);
    return { version, generation: await bumpGeneration(trx) };
  });
}

/** Makes an earlier version active again (rollback); throws when the department has no such version. */
export async function activateSpecVersion(db: Kysely<HubDatabase>, code: string, version: number): Promise<{ generation: number }> {
  return db.transaction().execute(async (trx) => {
    await lockRegistry(trx);
    const row = await trx.selectFrom('department_specs').select(['spec']).where('code', '=', code).where('version', '=', version).executeTakeFirst();
    if (!row) throw new RangeError(`department ${code} has no spec version ${version}`);
    const spec = row.spec as { name?: unknown; kind?: unknown };
    await trx
      .updateTable('departments')
      .set({ spec_version: version, name: String(spec.name), adapter_kind: String(spec.kind), updated_at: sql`now()` })
      .where('code', '=', code)
      .execute();
    return { generation: await bumpGeneration(trx) };
  });
}

/** Turns a department off (its subgraph leaves the composition) or back on; its specs and data stay. */
export async function setDepartmentEnabled(db: Kysely<HubDatabase>, code: string, enabled: boolean): Promise<{ generation: number }> {
  return db.transaction().execute(async (trx) => {
    await lockRegistry(trx);
    const result = await trx.updateTable('departments').set({ enabled, updated_at: sql`now()` }).where('code', '=', code).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new RangeError(`no department ${code}`);
    return { generation: await bumpGeneration(trx) };
  });
}

/**
 * Points a department at its subgraph running as its own HTTP service (`huitong subgraph CODE` prints
 * the URL), or back into the gateway's process with null. Every hub process following the registry
 * swaps it in live.
 *
 * @example
 * await setDepartmentUrl(db, 'market', 'http://127.0.0.1:4101/graphql');
 */
export async function setDepartmentUrl(db: Kysely<HubDatabase>, code: string, url: string | null): Promise<{ generation: number }> {
  return db.transaction().execute(async (trx) => {
    await lockRegistry(trx);
    const result = await trx.updateTable('departments').set({ url, updated_at: sql`now()` }).where('code', '=', code).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new RangeError(`no department ${code}`);
    return { generation: await bumpGeneration(trx) };
  });
}

/** Every stored version of a department's spec, newest first. */
export async function specVersions(db: Kysely<HubDatabase>, code: string): Promise<SpecVersion[]> {
  const active = await db.selectFrom('departments').select('spec_version').where('code', '=', code).executeTakeFirst();
  const rows = await db.selectFrom('department_specs').selectAll().where('code', '=', code).orderBy('version', 'desc').execute();
  return rows.map((r) => ({
    version: r.version,
    spec: r.spec as Record<string, unknown>,
    createdAt: r.created_at,
    createdBy: r.created_by,
    note: r.note,
    active: r.version === active?.spec_version,
  }));
}

async function insertVersion(
  trx: Transaction<HubDatabase>,
  code: string,
  name: string,
  kind: string,
  spec: Record<string, unknown>,
  actor: string,
  note: string | null,
): Promise<number> {
  const last = await trx.selectFrom('department_specs').select(sql<number>`coalesce(max(version), 0)`.as('v')).where('code', '=', code).executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  await trx
    .insertInto('department_specs')
    .values({ code, version, spec: JSON.stringify(spec), created_by: actor, note })
    .execute();
  await trx
    .insertInto('departments')
    .values({ code, name, adapter_kind: kind, connection: '{}', url: null, spec_version: version })
    .onConflict((oc) => oc.column('code').doUpdateSet({ name, adapter_kind: kind, spec_version: version, updated_at: sql`now()` }))
    .execute();
  return version;
}

/** Registry writes take turns (one row lock), so two processes never give two specs the same version. */
async function lockRegistry(trx: Transaction<HubDatabase>): Promise<void> {
  await sql`select generation from registry_state where id = 1 for update`.execute(trx);
}

async function bumpGeneration(trx: Transaction<HubDatabase>): Promise<number> {
  const row = await trx
    .updateTable('registry_state')
    .set({ generation: sql`generation + 1` })
    .where('id', '=', 1)
    .returning('generation')
    .executeTakeFirstOrThrow();
  // Delivered at commit to every hub process listening (PostgreSQL); the others poll the generation.
  await sql`select pg_notify(${REGISTRY_CHANNEL}, ${String(row.generation)})`.execute(trx);
  return Number(row.generation);
}
