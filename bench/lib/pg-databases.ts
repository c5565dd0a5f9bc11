// The benchmark's databases on a PostgreSQL server (`npm run bench -- --postgres URL`): prepared templates
// per scale (market legacy store, hub database, central copy), each with a completion marker kept as the
// database's comment, and each target's own copies made from them with CREATE DATABASE … TEMPLATE.
import pg from 'pg';

/** The parts a scale's data has on the server, one template database each. */
export type PgPart = 'market' | 'hub' | 'central';

/** What a template's comment records: when it was completed, and the stamps that decide re-use. */
export type PgMarker = Record<string, string>;

const scalePrefix = (scale: number) => `huitong_bench_${String(scale).replace(/\W/g, '_')}`;

/**
 * The template database of a scale's part: `huitong_bench_<scale>_<part>` (a fractional scale's dot as `_`).
 *
 * @example
 * templateName(5, 'hub'); // 'huitong_bench_5_hub'
 */
export function templateName(scale: number, part: PgPart): string {
  return `${scalePrefix(scale)}_${part}`;
}

/**
 * A target's own copy of a part: `huitong_bench_<scale>_t_<target>_<part>`.
 *
 * @example
 * copyName(5, 'hub-http', 'market'); // 'huitong_bench_5_t_hub_http_market'
 */
export function copyName(scale: number, target: string, part: PgPart): string {
  return `${scalePrefix(scale)}_t_${target.replace(/\W/g, '_')}_${part}`;
}

/**
 * The URL of database `name` on the server of `adminUrl` (same user, host and options).
 *
 * @example
 * databaseUrl('postgres://postgres@127.0.0.1:55499/postgres', 'huitong_bench_5_hub');
 * // 'postgres://postgres@127.0.0.1:55499/huitong_bench_5_hub'
 */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const ident = (name: string) => pg.escapeIdentifier(name);

/**
 * The marker of a database (its comment, as JSON), or null when the database or its marker is missing.
 *
 * @example
 * const marker = await readMarker(adminUrl, 'huitong_bench_5_hub'); // { complete: '2026-12-03T…', identityCode: '…' }
 */
export async function readMarker(adminUrl: string, name: string): Promise<PgMarker | null> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      `select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`,
      [name],
    );
    const comment = rows[0]?.comment;
    if (!comment) return null;
    try {
      return JSON.parse(comment) as PgMarker;
    } catch {
      return null;
    }
  });
}

/**
 * Records a database's marker (a comment on it; a copy made from it does not inherit it).
 *
 * @example
 * await writeMarker(adminUrl, 'huitong_bench_5_market', { complete: new Date().toISOString() });
 */
export async function writeMarker(adminUrl: string, name: string, marker: PgMarker): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`comment on database ${ident(name)} is ${pg.escapeLiteral(JSON.stringify(marker))}`));
}

/**
 * Drops a database if it exists, closing any session still on it.
 *
 * @example
 * await dropDatabase(adminUrl, 'huitong_bench_5_t_monolith_hub');
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`drop database if exists ${ident(name)} with (force)`));
}

/**
 * Creates database `name` afresh (dropped first), empty or as a copy of `template`, and returns its URL.
 * A template may have no session open while it is copied: a process that just closed its pool can leave
 * one ending for a moment, so a busy template is retried for a while.
 *
 * @example
 * const url = await createDatabase(adminUrl, 'huitong_bench_5_t_monolith_hub', 'huitong_bench_5_hub');
 */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  await dropDatabase(adminUrl, name);
  await withClient(adminUrl, async (client) => {
    // FILE_COPY (PostgreSQL 15+) copies the files whole: much faster than WAL_LOG for a database of gigabytes.
    const version = Number((await client.query<{ v: string }>('show server_version_num')).rows[0]!.v);
    const from = template ? ` template ${ident(template)}${version >= 150000 ? ' strategy file_copy' : ''}` : '';
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database ${ident(name)}${from}`);
        return;
      } catch (error) {
        const busy = (error as { code?: string }).code === '55006'; // object_in_use: the template has a session
        if (!busy || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  });
  return databaseUrl(adminUrl, name);
}

/**
 * A target's own copy of a prepared part, analysed so every target reads equally analysed tables.
 *
 * @example
 * const hubUrl = await copyForTarget(adminUrl, 5, 'hub-inprocess', 'hub');
 */
export async function copyForTarget(adminUrl: string, scale: number, target: string, part: PgPart): Promise<string> {
  const url = await createDatabase(adminUrl, copyName(scale, target, part), templateName(scale, part));
  await withClient(url, (client) => client.query('analyze'));
  return url;
}

/**
 * Drops every target copy of a scale (what `copyForTarget` made).
 *
 * @example
 * await dropTargetCopies(adminUrl, 5);
 */
export async function dropTargetCopies(adminUrl: string, scale: number): Promise<void> {
  const prefix = `${scalePrefix(scale)}_t_`;
  const names = await withClient(adminUrl, async (client) => (await client.query<{ datname: string }>('select datname from pg_database')).rows);
  for (const { datname } of names) if (datname.startsWith(prefix)) await dropDatabase(adminUrl, datname);
}

/**
 * The server as the reports name it: `postgresql 15.10` (from `select version()`).
 *
 * @example
 * await serverVersion('postgres://postgres@127.0.0.1:55499/postgres'); // 'postgresql 15.10'
 */
export async function serverVersion(adminUrl: string): Promise<string> {
  const version = await withClient(adminUrl, async (client) => (await client.query<{ version: string }>('select version()')).rows[0]!.version);
  const match = /^PostgreSQL (\S+)/.exec(version);
  return match ? `postgresql ${match[1]}` : version;
}
