// Data preparation and target start-up shared by `bench/run.ts` and `bench/soak.ts`.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { demoPaths } from '../../src/demo/demo-district.js';
import { DEMO_CREDENTIALS } from '../../src/gateway/auth/demo-credentials.js';
import { rotateServiceKeys } from '../../src/subgraphs/service-keys.js';
import type { Fixtures } from './workloads.js';
import { copyForTarget, type PgPart } from './pg-databases.js';
import { BENCH_DIR, startChild, type Child } from './proc.js';
import { HEALTH_STORE_ENV } from './bench-registry.js';
import { SERVER_NODE_FLAGS } from '../../src/cli/server-node-flags.js';

export const TARGET_NAMES = ['hub-inprocess', 'hub-http', 'monolith', 'hub-governed', 'central'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];
export const DEPARTMENTS = ['market', 'housing', 'health'] as const;
/** The demo data steward's fixed key, seeded by the governed target (`demoCredentialsDir`). */
export const DEMO_STEWARD_KEY = DEMO_CREDENTIALS.find((c) => c.kind === 'STEWARD')!.key;

export interface Target {
  name: TargetName;
  url: string;
  /** Every process whose memory counts for this target (gateway and subgraphs for hub-http). */
  processes: Child[];
  callsUrls: string[];
  /** Headers every request to this target carries (hub-governed asks as the demo steward). */
  headers: Record<string, string>;
  /** hub-http only: the housing subgraph process (the soak stops and restarts it). */
  housingSubgraph?: Child;
  info: Record<string, unknown>;
}

const entry = (name: string) => join(BENCH_DIR, name);

export function dataDirFor(scale: number): string {
  return join(BENCH_DIR, `.data-${scale}`);
}

/** What a target process announces when ready (bench/targets/ipc.ts). */
type TargetReady = { ready: true; url: string; callsUrl: string; heapUsedMb?: number };

/**
 * A run's stores on a PostgreSQL server (`--postgres URL`): `adminUrl` may create databases; the scale's
 * prepared template databases are copied per target (bench/lib/pg-databases.ts).
 */
export interface PgStores {
  adminUrl: string;
  scale: number;
}

/** What data preparation took, in seconds (0: reused): each step of the PostgreSQL templates, or the PGlite ones. */
export type PreparationTimes = Record<string, number>;

/**
 * Generates (once) the legacy stores, the hub database template and fixtures for a scale; with
 * `postgres`, the market store, hub database and central copy as template databases on that server.
 */
export async function prepareData(
  scale: number,
  logDir: string,
  say: (m: string) => void,
  options: {
    postgres?: PgStores | undefined;
    /** Default: `bench/.data-<scale>`. */
    dir?: string;
  } = {},
): Promise<{ dir: string; fixtures: Fixtures; times: PreparationTimes }> {
  const dir = options.dir ?? dataDirFor(scale);
  mkdirSync(dir, { recursive: true });
  const pg = options.postgres;
  const fresh = !existsSync(join(dir, 'hub-template', '.complete'));
  if (pg) say(`preparing data at scale ${scale} in ${dir} and PostgreSQL template databases (each made once, then reused)…`);
  else if (fresh) say(`preparing data at scale ${scale} in ${dir} (generation and identity sync; cached for later runs)…`);
  const started = performance.now();
  const child = await startChild<{ ready: true } & PreparationTimes>(
    'prepare',
    entry('targets/prepare.ts'),
    ['--scale', String(scale), '--dir', dir, ...(pg ? ['--postgres', pg.adminUrl] : [])],
    {
      logDir,
      readyTimeoutMs: 3 * 60 * 60 * 1000,
      nodeArgs: ['--max-old-space-size=12000'],
    },
  );
  await child.stop();
  const { ready: _r, heapUsedMb: _h, ...reported } = child.ready as { ready: true; heapUsedMb?: number } & PreparationTimes;
  const times = Object.fromEntries(Object.entries(reported).map(([step, s]) => [step, Math.round(s * 10) / 10]));
  if (pg || fresh) say(`data ready in ${((performance.now() - started) / 1000).toFixed(0)} s ${JSON.stringify(times)}`);
  const fixtures = JSON.parse(readFileSync(join(dir, pg ? 'fixtures-pg.json' : 'fixtures.json'), 'utf8')) as Fixtures;
  return { dir, fixtures, times };
}

/** A fresh copy of the market PGlite store and the hub database for one target (PGlite: one owner). */
export function copyStores(dir: string, target: string): { market: string; hub: string } {
  const root = join(dir, 'targets', target);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const market = join(root, 'market');
  const hub = join(root, 'hub');
  cpSync(demoPaths(join(dir, 'base')).marketDir, market, { recursive: true });
  cpSync(join(dir, 'hub-template'), hub, { recursive: true });
  rmSync(join(market, 'huitong.lock'), { force: true });
  rmSync(join(hub, 'huitong.lock'), { force: true });
  return { market, hub };
}

/** The demo housing department's fake API, as its own process (not part of any target). */
export function startHousing(dir: string, logDir: string, port = 0, name = 'housing-legacy'): Promise<Child<{ ready: true; url: string }>> {
  return startChild(name, entry('targets/housing.ts'), ['--file', demoPaths(join(dir, 'base')).housingFile, '--port', String(port)], {
    logDir,
    readyTimeoutMs: 10 * 60 * 1000,
  });
}

/** The service-token key file every target of a run shares, created on first use. */
export function benchServiceKeyEnv(dir: string): { HUITONG_SERVICE_KEY_FILE: string } {
  const file = join(dir, 'service-keys.json');
  if (!existsSync(file)) rotateServiceKeys(file);
  return { HUITONG_SERVICE_KEY_FILE: file };
}

export function startSubgraph(code: string, env: Record<string, string>, logDir: string, port = 0, nodeArgs?: string[]): Promise<Child<TargetReady>> {
  return startChild(`subgraph-${code}`, entry('targets/subgraph.ts'), [code], {
    env: { ...env, PORT: String(port) },
    logDir,
    readyTimeoutMs: 10 * 60 * 1000,
    ...(nodeArgs ? { nodeArgs } : {}),
  });
}

/**
 * Where a target's stores are: the hub database (`--hub-dir DIR` or `--hub-url URL` of its entry script)
 * and the market legacy store's URL; fresh copies, made here.
 */
async function targetStores(
  dir: string,
  name: string,
  postgres: PgStores | undefined,
): Promise<{ hubArgs: string[]; marketUrl: string; env?: Record<string, string> }> {
  if (!postgres) {
    const stores = copyStores(dir, name);
    return { hubArgs: ['--hub-dir', stores.hub], marketUrl: `file:${stores.market}` };
  }
  const copy = (part: PgPart) => copyForTarget(postgres.adminUrl, postgres.scale, name, part);
  rmSync(join(dir, 'targets', name), { recursive: true, force: true });
  mkdirSync(join(dir, 'targets', name), { recursive: true });
  const hubUrl = await copy('hub');
  // Health's store is in the hub database (bench-registry.ts): each target reads its own copy's.
  return { hubArgs: ['--hub-url', hubUrl, '--data-dir', join(dir, 'targets', name)], marketUrl: await copy('market'), env: { [HEALTH_STORE_ENV]: hubUrl } };
}

export async function startTarget(
  name: TargetName,
  dir: string,
  housingUrl: string,
  logDir: string,
  options: { housingSubgraphPort?: number; nodeArgs?: string[]; postgres?: PgStores | undefined } = {},
): Promise<Target> {
  // Every target with the Node flags the hub's servers are deployed with (all alike).
  const nodeArgs = options.nodeArgs ?? [...SERVER_NODE_FLAGS];
  if (name === 'central') return startCentralTarget(dir, logDir, nodeArgs, options.postgres);
  const stores = await targetStores(dir, name, options.postgres);
  const env = {
    // The gateway signs, and each subgraph service checks, service tokens with this key (hub-http).
    ...benchServiceKeyEnv(dir),
    // Every target as it would be deployed: graphql-js skips its development-only checks (all alike).
    NODE_ENV: 'production',
    HUITONG_MARKET_DB_URL: stores.marketUrl,
    HUITONG_HOUSING_API_URL: housingUrl,
    HUITONG_HEALTH_EXPORT_DIR: demoPaths(join(dir, 'base')).healthDir,
    // Stores an adapter keeps (the health export's) in the target's own folder: a PGlite directory has one
    // owner, and the monolith and hub-http's health subgraph would otherwise both open `.data` in the cwd.
    HUITONG_DATA_DIR: join(dir, 'targets', name, 'data'),
    ...stores.env,
  };
  const long = { logDir, readyTimeoutMs: 3 * 60 * 60 * 1000, env, nodeArgs };
  if (name === 'monolith') {
    const child = await startChild<TargetReady>('monolith', entry('targets/monolith.ts'), stores.hubArgs, long);
    return { name, url: child.ready.url, processes: [child], callsUrls: [child.ready.callsUrl], headers: {}, info: { heapUsedMb: child.ready.heapUsedMb } };
  }
  if (name === 'hub-inprocess' || name === 'hub-governed') {
    const governed = name === 'hub-governed';
    const args = ['--mode', 'inprocess', ...stores.hubArgs, '--governance', governed ? 'on' : 'off'];
    const child = await startChild<TargetReady>(name, entry('targets/hub.ts'), args, long);
    const { ready: _r, url, callsUrl, ...info } = child.ready;
    // The demo data steward: every governed field in clear, every release audited.
    return { name, url, processes: [child], callsUrls: [callsUrl], headers: governed ? { authorization: `Bearer ${DEMO_STEWARD_KEY}` } : {}, info };
  }
  const subgraphs: Child<TargetReady>[] = [];
  try {
    for (const code of DEPARTMENTS)
      subgraphs.push(await startSubgraph(code, env, logDir, code === 'housing' ? (options.housingSubgraphPort ?? 0) : 0, nodeArgs));
    const urls = subgraphs.map((s, i) => `${DEPARTMENTS[i]}=${s.ready.url}`).join(',');
    const gateway = await startChild<TargetReady>('hub-http-gateway', entry('targets/hub.ts'), ['--mode', 'http', ...stores.hubArgs, '--urls', urls], long);
    const { ready: _r, url, callsUrl: _c, ...info } = gateway.ready;
    return {
      name,
      url,
      processes: [gateway, ...subgraphs],
      callsUrls: subgraphs.map((s) => s.ready.callsUrl),
      housingSubgraph: subgraphs[1],
      headers: {},
      info,
    };
  } catch (error) {
    await Promise.all(subgraphs.map((s) => s.stop()));
    throw error;
  }
}

/** The central copy (bench/central/): a fresh copy of its prepared database, served by its own process. */
async function startCentralTarget(dir: string, logDir: string, nodeArgs: string[], postgres?: PgStores): Promise<Target> {
  let args: string[];
  if (postgres) args = ['--url', await copyForTarget(postgres.adminUrl, postgres.scale, 'central', 'central')];
  else {
    const copy = join(dir, 'targets', 'central', 'central');
    rmSync(join(dir, 'targets', 'central'), { recursive: true, force: true });
    mkdirSync(copy, { recursive: true });
    cpSync(join(dir, 'central-template'), copy, { recursive: true });
    args = ['--dir', copy];
  }
  const child = await startChild<TargetReady>('central', entry('targets/central.ts'), args, {
    logDir,
    readyTimeoutMs: 10 * 60 * 1000,
    env: { NODE_ENV: 'production' },
    nodeArgs,
  });
  return {
    name: 'central',
    url: child.ready.url,
    processes: [child],
    callsUrls: [child.ready.callsUrl],
    headers: {},
    info: { heapUsedMb: child.ready.heapUsedMb },
  };
}

type Counters = { listPermits: number; getPermits: number; listApplicants: number; countPermits?: number };
export type Calls = Record<string, Counters & { retries?: Counters }>;

/** Sums every process's adapter call counters (the housing subgraph's may be missing while it is down). */
export async function readCalls(target: Target): Promise<Calls> {
  const out: Calls = {};
  for (const url of target.callsUrls) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      Object.assign(out, (await response.json()) as Calls);
    } catch {
      /* a process being restarted */
    }
  }
  return out;
}

const total = (c: Counters | undefined) => (c ? c.listPermits + c.getPermits + c.listApplicants : 0);

/**
 * Calls (retries included) and, of them, retries of a failed attempt, by department, between two
 * readings; apart from them, the group counts of missed totals (`countPermits`), which several requests share.
 */
export function callDelta(before: Calls, after: Calls): Record<string, { calls: number; retries: number; sharedCounts: number }> {
  const out: Record<string, { calls: number; retries: number; sharedCounts: number }> = {};
  for (const [code, c] of Object.entries(after)) {
    const counts = (c.countPermits ?? 0) - (before[code]?.countPermits ?? 0);
    out[code] = { calls: total(c) - total(before[code]), retries: total(c.retries) - total(before[code]?.retries), sharedCounts: counts };
  }
  return out;
}

/** POSTs one GraphQL request. */
export async function graphql(url: string, bodyJson: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: bodyJson,
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}
