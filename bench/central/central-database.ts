// The central copy's database: every department's permits in one normalised schema, with the indexes a
// DBA would give the four workloads (keyset order per filter column, the applicant's permits, identifier
// lookup, the disclosure items' inverted index). The same engine as the hub's store: PGlite here.
import { type Kysely, sql } from 'kysely';
import { wordCountsOfItems } from '../../src/subgraphs/catalogue/full-text.js';

/** Row types of the central copy (what `bench/central/load.ts` writes and `schema.ts` reads). */
export interface CentralDatabase {
  departments: { code: string; name: string; last_synced_at: Date | null; serves_permits: boolean };
  service_items: {
    code: string;
    name: string;
    department_code: string;
    category: string;
    statutory_days: number | null;
    committed_days: number | null;
    instant: boolean;
    legal_basis: string | null;
  };
  applicants: { id: string; kind: string; name: string; merged_into: string | null };
  applicant_identifiers: { type: string; value: string; applicant_id: string };
  applicant_records: { department_code: string; local_id: string; applicant_id: string; name: string };
  permits: {
    department_code: string;
    local_id: string;
    /** The hub's applicant (its identity crosswalk), resolved once at load: no lookup per row. */
    applicant_id: string | null;
    applicant_local_id: string | null;
    service_item_code: string | null;
    title: string;
    status: string;
    raw_status: string | null;
    applied_at: Date | null;
    decided_at: Date | null;
    /** `date`: read back as the YYYY-MM-DD text the database stores. */
    valid_until: string | null;
    statutory_days: number | null;
    committed_days: number | null;
    actual_days: number | null;
  };
  disclosure_items: {
    id: string;
    title: string;
    category: string;
    publisher_code: string;
    published_at: Date;
    body: string;
    mode: string;
    title_tokens: string | null;
    body_tokens: string | null;
  };
}

/** The order every permit list uses, as an index suffix: applied-at descending (missing last), department, local id. */
const ORDER = 'applied_at desc nulls last, department_code, local_id';

/**
 * Creates the central copy's tables (indexes come after the load: `createCentralIndexes`).
 *
 * @example
 * await createCentralTables(db);
 */
export async function createCentralTables(db: Kysely<CentralDatabase>): Promise<void> {
  await sql`create table departments (code varchar(32) primary key, name varchar(100) not null, last_synced_at timestamptz, serves_permits boolean not null)`.execute(
    db,
  );
  await sql`create table service_items (
    code varchar(64) primary key, name varchar(200) not null, department_code varchar(32) not null, category varchar(20) not null,
    statutory_days integer, committed_days integer, instant boolean not null, legal_basis text)`.execute(db);
  await sql`create table applicants (id varchar(40) primary key, kind varchar(16) not null, name varchar(300) not null, merged_into varchar(40))`.execute(db);
  await sql`create table applicant_identifiers (type varchar(16) not null, value varchar(18) not null, applicant_id varchar(40) not null)`.execute(db);
  await sql`create table applicant_records (department_code varchar(32) not null, local_id text collate "C" not null, applicant_id varchar(40) not null, name text not null)`.execute(
    db,
  );
  // local_id compares by code point (collate "C"), as the hub orders a department's local ids.
  await sql`create table permits (
    department_code varchar(32) not null, local_id text collate "C" not null, applicant_id varchar(40), applicant_local_id text,
    service_item_code varchar(64), title text not null, status varchar(16) not null, raw_status text,
    applied_at timestamptz, decided_at timestamptz, valid_until date,
    statutory_days integer, committed_days integer, actual_days integer)`.execute(db);
  await sql`create table disclosure_items (
    id varchar(64) primary key, title varchar(300) not null, category varchar(64) not null, publisher_code varchar(32) not null,
    published_at timestamptz not null, body text not null, mode varchar(16) not null, title_tokens text, body_tokens text,
    search_vector tsvector generated always as (
      setweight(to_tsvector('simple', coalesce(title_tokens, '')), 'A') || setweight(to_tsvector('simple', coalesce(body_tokens, '')), 'D')
    ) stored)`.execute(db);
}

/**
 * The indexes, built once the rows are in (faster than maintaining them row by row), then statistics.
 *
 * @example
 * await createCentralIndexes(db);
 */
export async function createCentralIndexes(db: Kysely<CentralDatabase>): Promise<void> {
  const statements = [
    sql`alter table applicant_identifiers add primary key (type, value)`,
    sql`create index applicant_identifiers_applicant on applicant_identifiers (applicant_id)`,
    sql`alter table applicant_records add primary key (department_code, local_id)`,
    sql`create index applicant_records_applicant on applicant_records (applicant_id, department_code, local_id)`,
    sql`alter table permits add primary key (department_code, local_id)`,
    // Keyset pages: the unfiltered order, then the order under each filter a list takes.
    sql.raw(`create index permits_order on permits (${ORDER})`),
    sql.raw(`create index permits_status_order on permits (status, ${ORDER})`),
    sql.raw(`create index permits_department_order on permits (department_code, applied_at desc nulls last, local_id)`),
    sql.raw(`create index permits_service_item_order on permits (service_item_code, ${ORDER})`),
    sql.raw(`create index permits_applicant_order on permits (applicant_id, ${ORDER})`),
    sql`create index service_items_department on service_items (department_code, code)`,
    sql`create index disclosure_items_published on disclosure_items (published_at desc, id)`,
    sql`create index disclosure_items_search on disclosure_items using gin (search_vector)`,
    // The hub's search reads a one-word total from here (the hub keeps it by triggers; this copy is read-only).
    sql`create table disclosure_word_counts (word text primary key, n integer not null)`,
    sql`insert into disclosure_word_counts ${wordCountsOfItems}`,
  ];
  for (const statement of statements) await statement.execute(db);
  await sql`vacuum analyze`.execute(db);
}
