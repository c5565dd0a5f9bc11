// The sql adapter kind against the bespoke market connector, on the same demo market database:
// median wall time per connector call (one statement each) for the calls the hub makes.
//   npx tsx bench/sql-kind.ts [--scale 20] [--url postgres://…] [--rounds 30]
// Without --url, a PGlite directory under the OS temp dir (deleted afterwards).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import type { Connector, PermitQuery } from '../src/adapters/core/contract.js';
import { adapterKinds } from '../src/adapters/kinds.js';
import { createMarketAdapter } from '../src/adapters/market/index.js';
import { parseSpecText } from '../src/adapters/spec/parse-spec.js';
import { resolveValue } from '../src/adapters/spec/secrets.js';
import { openSqlConnector, type SqlSpec } from '../src/adapters/sql/index.js';
import { silentLogger } from '../src/adapters/core/logger.js';
import { generateDemoDistrict, writeMarket } from '../src/demo/generate/index.js';
import { openDatabase } from '../src/storage/index.js';
import { median } from './lib/median.js';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '20' }, url: { type: 'string' }, rounds: { type: 'string', default: '30' } } });
const scale = Number(values.scale);
const rounds = Number(values.rounds);
const district = generateDemoDistrict({ seed: 7, scale });
const dir = values.url ? null : mkdtempSync(join(tmpdir(), 'huitong-bench-sql-'));
const url = values.url ?? `file:${dir}`;
const writer = await openDatabase<any>(values.url ? { url } : { dir: dir! });
await writeMarket(writer.db, district);
await writer.close();

const signal = { signal: new AbortController().signal };
const permits = district.market.permits;
const applicants = [...new Set(permits.map((p) => String(p.sqrid)))];
const middle = [...permits].sort((a, b) => (a.slrq < b.slrq ? 1 : -1))[Math.floor(permits.length / 2)]!;
const calls: Array<[string, (c: Connector<any, any>) => Promise<unknown>]> = [
  ['first page (21)', (c) => c.listPermits([{ limit: 21 }], signal)],
  ['deep keyset page (21)', (c) => c.listPermits([{ limit: 21, after: { appliedAt: `${middle.slrq.replace(' ', 'T')}+08:00`, localId: middle.sqbh } }], signal)],
  ['50 applicants × 6', (c) => c.listPermits(applicants.slice(0, 50).map((a): PermitQuery => ({ limit: 6, applicantLocalIds: [a] })), signal)],
  ['status + date range (21)', (c) => c.listPermits([{ limit: 21, rawStatusIn: ['04'], appliedFrom: '2021-01-01T00:00:00+08:00', appliedTo: '2022-12-31T23:59:59+08:00' }], signal)],
  ['getPermits(100)', (c) => c.getPermits(permits.slice(0, 100).map((p) => p.sqbh), signal)],
  ['listApplicants(500)', (c) => c.listApplicants(String(district.market.applicants[Math.floor(district.market.applicants.length / 2)]!.sqrid), 500, signal)],
];

/** Both connectors, alternated call by call, so drift on a shared machine hits both alike. */
async function measure(connectors: Record<string, Connector<any, any>>): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [call, run] of calls) {
    const times: Record<string, number[]> = {};
    for (const c of Object.values(connectors)) await run(c);
    for (let i = 0; i < rounds; i++) {
      for (const [name, c] of Object.entries(connectors)) {
        const started = performance.now();
        await run(c);
        (times[name] ??= []).push(performance.now() - started);
      }
    }
    out[call] = Object.fromEntries(Object.entries(times).map(([name, t]) => [name, Number(median(t).toFixed(2))]));
  }
  return out;
}

const spec = parseSpecText(readFileSync(new URL('../src/demo/specs/market.yaml', import.meta.url), 'utf8'), adapterKinds) as SqlSpec;
const context = { resolve: (v: Parameters<typeof resolveValue>[0]) => resolveValue(v, { env: { HUITONG_MARKET_DB_URL: url } }), dataDir: tmpdir(), logger: silentLogger };
const kind = await openSqlConnector(spec, context);
// PGlite is one opener per directory: the bespoke adapter reads the same instance through a second URL form only on PostgreSQL.
const bespoke = values.url ? (await createMarketAdapter({ department: 'market', connection: { url } })).connector : null;
const results = await measure(bespoke ? { kind, bespoke } : { kind });
await kind.close();
await bespoke?.close?.();
if (dir) rmSync(dir, { recursive: true, force: true });

console.log(`market permits: ${permits.length}, backend: ${values.url ? 'postgres' : 'pglite'}, median of ${rounds} (ms)`);
console.log('| call | sql kind | bespoke |\n|---|---|---|');
for (const [call] of calls) console.log(`| ${call} | ${results[call]!.kind} | ${results[call]!.bespoke ?? '—'} |`);
