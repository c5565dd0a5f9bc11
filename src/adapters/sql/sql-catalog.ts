import { sql, type Kysely } from 'kysely';
import type { SqlTableAt } from './sql-spec.js';
import type { SqlDialect } from './sql-url.js';

/** How the kind treats a column's values in filters, order and positions. */
export type ColumnKind = 'integer' | 'decimal' | 'text' | 'date' | 'timestamp' | 'timestamptz' | 'other';

export interface ColumnInfo {
  /** As the catalogue spells it (MySQL matches column names case-insensitively; statements use this). */
  name: string;
  kind: ColumnKind;
  /** The database's own type name, for messages. */
  dataType: string;
  nullable: boolean;
  /** MySQL: the column alone is the primary key or has a unique index, so its own collation orders it totally. */
  unique: boolean;
}

export interface TableInfo {
  schema: string;
  name: string;
  columns: ColumnInfo[];
}

/** What one introspection statement tells about the department's database. */
export interface Catalog {
  flavour: 'postgres' | 'mariadb' | 'mysql';
  /** The server's version text, e.g. `15.18` or `10.11.19-MariaDB-0+deb12u1`. */
  version: string;
  /** The schema (PostgreSQL) or database (MySQL) names resolve in when a spec gives none; null if none. */
  defaultSchema: string | null;
  /** The tables asked about, by `schema.name` as the spec resolved them; absent when there is no such table. */
  tables: Map<string, TableInfo>;
  /** Every table and view name per schema asked about, for `did you mean`. */
  names: Map<string, string[]>;
}

interface CatalogRow {
  k: 'c' | 't' | 'v';
  s: string | null;
  t: string | null;
  n: string | null;
  ty: string | null;
  nl: string | null;
  x: string | null;
}

/**
 * Reads, in one statement, the columns of the tables a spec names, the table names of their schemas
 * (for hints) and the server's version. Only the catalogue is read, never a data row.
 *
 * @example
 * const catalog = await readCatalog(db, 'postgres', [{ table: 'xksq' }, { table: 'sqr' }]);
 * catalog.tables.get(`${catalog.defaultSchema}.xksq`)?.columns.map((c) => c.name); // ['sqbh', 'sqrid', …]
 */
export async function readCatalog(db: Kysely<any>, dialect: SqlDialect, at: readonly SqlTableAt[]): Promise<Catalog> {
  const rows = dialect === 'mysql' ? await mysqlCatalog(db, at) : await postgresCatalog(db, at);
  const server = rows.find((r) => r.k === 'v');
  const version = server?.ty ?? '';
  const flavour = dialect === 'mysql' ? (/mariadb/i.test(version) ? 'mariadb' : 'mysql') : 'postgres';
  const defaultSchema = server?.s ?? null;
  const tables = new Map<string, TableInfo>();
  const names = new Map<string, string[]>();
  for (const row of rows) {
    if (row.k === 't') names.set(row.s!, [...(names.get(row.s!) ?? []), row.t!]);
    if (row.k !== 'c') continue;
    const id = `${row.s}.${row.t}`;
    let table = tables.get(id);
    if (!table) tables.set(id, (table = { schema: row.s!, name: row.t!, columns: [] }));
    if (table.columns.some((c) => c.name === row.n)) continue; // the same table named twice
    table.columns.push({
      name: row.n!,
      kind: dialect === 'mysql' ? mysqlKind(row.ty!) : postgresKind(row.ty!),
      dataType: row.ty!,
      nullable: row.nl === 'YES',
      unique: row.x === 'UNI' || row.x === 'PRI',
    });
  }
  // A column marked PRI is unique alone only when the primary key has no other column.
  for (const table of tables.values()) {
    const primary = rows.filter((r) => r.k === 'c' && r.s === table.schema && r.t === table.name && r.x === 'PRI');
    if (new Set(primary.map((r) => r.n)).size > 1) for (const c of table.columns) if (primary.some((r) => r.n === c.name)) c.unique = false;
  }
  return { flavour, version, defaultSchema, tables, names };
}

async function postgresCatalog(db: Kysely<any>, at: readonly SqlTableAt[]): Promise<CatalogRow[]> {
  const schemaOf = (t: SqlTableAt) => sql`coalesce(${t.schema ?? null}::text, current_schema()::text)`;
  const columns = at.map(
    (t) => sql`select 'c' as k, c.table_schema::text as s, c.table_name::text as t, c.column_name::text as n, c.data_type::text as ty,
        c.is_nullable::text as nl, null::text as x
      from information_schema.columns c where c.table_schema::text = ${schemaOf(t)} and c.table_name::text = ${t.table}::text`,
  );
  const result = await sql<CatalogRow>`${sql.join(columns, sql` union all `)}
    union all select 't', t.table_schema::text, t.table_name::text, null, null, null, null
      from information_schema.tables t where t.table_schema::text in (${sql.join(at.map(schemaOf))})
    union all select 'v', current_schema()::text, null, null, current_setting('server_version'), null, null`.execute(db);
  return result.rows;
}

async function mysqlCatalog(db: Kysely<any>, at: readonly SqlTableAt[]): Promise<CatalogRow[]> {
  const schemaOf = (t: SqlTableAt) => sql`coalesce(${t.schema ?? null}, database())`;
  const columns = at.map(
    (t) => sql`select 'c' as k, c.table_schema as s, c.table_name as t, c.column_name as n, c.data_type as ty, c.is_nullable as nl, c.column_key as x
      from information_schema.columns c where c.table_schema = ${schemaOf(t)} and c.table_name = ${t.table}`,
  );
  const result = await sql<CatalogRow>`${sql.join(columns, sql` union all `)}
    union all select 't', t.table_schema, t.table_name, null, null, null, null
      from information_schema.tables t where t.table_schema in (${sql.join(at.map(schemaOf))})
    union all select 'v', database(), null, null, version(), null, null`.execute(db);
  return result.rows;
}

function postgresKind(type: string): ColumnKind {
  switch (type) {
    case 'smallint':
    case 'integer':
    case 'bigint':
      return 'integer';
    case 'numeric':
    case 'real':
    case 'double precision':
      return 'decimal';
    case 'character varying':
    case 'character':
    case 'text':
    case 'name':
      return 'text';
    case 'date':
      return 'date';
    case 'timestamp without time zone':
      return 'timestamp';
    case 'timestamp with time zone':
      return 'timestamptz';
    default:
      return 'other';
  }
}

function mysqlKind(type: string): ColumnKind {
  const t = type.toLowerCase();
  if (['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint', 'year'].includes(t)) return 'integer';
  if (['decimal', 'numeric', 'float', 'double'].includes(t)) return 'decimal';
  if (['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set'].includes(t)) return 'text';
  if (t === 'date') return 'date';
  // TIMESTAMP is read in the session's zone, which the connection sets to the spec's: a local time then.
  if (t === 'datetime' || t === 'timestamp') return 'timestamp';
  return 'other';
}
