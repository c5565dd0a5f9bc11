// `npx tsx bench/rest-kind.ts [--scale 100] [--rounds 5]`: the `rest` kind over the demo housing API
// (src/demo/specs/housing.yaml), with the path fast path on and off. Wall-clock medians of: reading every permit (an UNKNOWN-status query: the superset
// in 1000-row requests, filtered and sorted in memory), one batch of 200 applicants' pages, and
// extracting rows alone. Prints a table; nothing is asserted.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Connector } from '../src/adapters/core/contract.js';
import { silentLogger } from '../src/logging/logger.js';
import { rawStatusFilter } from '../src/adapters/core/runtime-adapter.js';
import { specMapper } from '../src/adapters/core/spec-mapper.js';
import { EndpointReader } from '../src/adapters/rest/endpoint-reader.js';
import { createRestKind, RestClient, type RestSpec } from '../src/adapters/rest/index.js';
import { parseSpecText } from '../src/adapters/spec/parse-spec.js';
import { permitSourceFields } from '../src/adapters/spec/fields.js';
import { resolveValue } from '../src/adapters/spec/secrets.js';
import { generateDemoDistrict, writeHousing } from '../src/demo/generate/index.js';
import { startHousingServer } from '../src/demo/legacy/housing-server.js';
import { median } from './lib/median.js';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '100' }, rounds: { type: 'string', default: '5' } } });
const scale = Number(values.scale);
const rounds = Number(values.rounds);

const district = generateDemoDistrict({ seed: 7, scale });
const dir = mkdtempSync(join(tmpdir(), 'huitong-bench-rest-'));
const { file, permits } = await writeHousing(dir, district);
const server = await startHousingServer({ file });
const signal = () => ({ signal: AbortSignal.timeout(600_000) });
const spec = parseSpecText(readFileSync(new URL('../src/demo/specs/housing.yaml', import.meta.url), 'utf8'), { rest: createRestKind() }) as RestSpec;
const context = {
  resolve: (v: Parameters<typeof resolveValue>[0]) => resolveValue(v, { env: { HUITONG_HOUSING_API_URL: server.url } }),
  dataDir: dir,
  logger: silentLogger,
};

const subjects: Array<[string, Connector<any, any>]> = [
  ['rest kind, fast path on', await createRestKind({ fastPath: true }).open(spec, context)],
  ['rest kind, fast path off', await createRestKind({ fastPath: false }).open(spec, context)],
];
const unknown = { limit: 21, ...rawStatusFilter(['UNKNOWN'], specMapper(spec).statusCodes) };
const units = [...new Set(district.housing.permits.map((p) => p.unitId))].slice(0, 200);
const batch = units.map((u) => ({ limit: 6, applicantLocalIds: [u] }));

let resets = 0;
/** Server and client share this process: a long synchronous stretch can let the server drop a kept-alive socket as the client reuses it. Such a run is repeated (the hub's runtime retries it too). */
async function once(run: () => Promise<unknown>): Promise<number> {
  for (;;) {
    const started = performance.now();
    try {
      await run();
      return performance.now() - started;
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw error;
      resets++;
    }
  }
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  await once(run); // warm-up
  for (let i = 0; i < rounds; i++) times.push(await once(run));
  return median(times);
}

console.log(`housing permits: ${permits}, rounds: ${rounds} (median ms)`);
console.log('| connector | read all (UNKNOWN) | batch of 200 applicants |');
console.log('|---|---|---|');
for (const [name, connector] of subjects) {
  const all = await time(() => connector.listPermits([unknown], signal()));
  const many = await time(() => connector.listPermits(batch, signal()));
  console.log(`| ${name} | ${all.toFixed(0)} | ${many.toFixed(0)} |`);
}

// Row extraction alone: one answer of 1000 rows, read into raw records.
const body = await (await fetch(`${server.url}/api/v2/permits?limit=1000`)).json();
for (const fastPath of [true, false]) {
  const reader = new EndpointReader(new RestClient({ baseUrl: server.url, maxConcurrency: 1 }), spec.permits, permitSourceFields(spec), {
    fastPath,
    tokenOf: () => '',
  });
  const ms = await time(async () => {
    for (let i = 0; i < 20; i++) reader.read(body);
  });
  console.log(`row extraction, fast path ${fastPath ? 'on' : 'off'}: ${((ms / 20_000) * 1000).toFixed(2)} µs per row`);
}

console.log(`runs repeated after a connection reset: ${resets}`);
await server.close();
rmSync(dir, { recursive: true, force: true });
