// `npx tsx bench/csv-load.ts [--scale 1] [--store memory://|postgres://…] [--keep DIR]`: loads the demo
// health export of a scale through the `csv` kind (src/demo/specs/health.yaml) and prints the load's
// wall and CPU time, its phases, and a few page requests. The export is generated once into
// bench/.data-csv-<scale>/ (gitignored); the store is a fresh PGlite directory unless --store names one.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { csvKind, openCsvConnector, type CsvSpec } from '../src/adapters/csv/index.js';
import { parseSpecText } from '../src/adapters/spec/parse-spec.js';
import { resolveValue } from '../src/adapters/spec/secrets.js';
import { generateDemoDistrict, writeHealthExport } from '../src/demo/generate/index.js';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, store: { type: 'string' } } });
const scale = Number(values.scale);
const dir = join(import.meta.dirname, `.data-csv-${scale}`);
if (!existsSync(dir) || !readdirSync(dir).some((n) => n.endsWith('.csv'))) {
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const { rows } = await writeHealthExport(dir, generateDemoDistrict({ scale }));
  console.log(`generated ${rows} rows in ${Math.round(performance.now() - started)} ms`);
}

const spec = parseSpecText(readFileSync(join(import.meta.dirname, '../src/demo/specs/health.yaml'), 'utf8'), { csv: csvKind }) as CsvSpec;
if (values.store) spec.connection.store = { url: values.store };
const dataDir = mkdtempSync(join(tmpdir(), 'huitong-csv-bench-'));
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
let phases: object = {};
const logger = {
  info: (obj: object, msg?: string) => void (msg === 'csv export loaded' && (phases = obj)),
  warn: (obj: object, msg?: string) => console.warn(msg, obj),
  error: (obj: object, msg?: string) => console.error(msg, obj),
  debug() {},
};
const context = { resolve: (v: Parameters<typeof resolveValue>[0]) => resolveValue(v, { env: { HUITONG_HEALTH_EXPORT_DIR: dir } }), dataDir, logger };

let wall = performance.now();
let cpu = cpuMs();
const connector = await openCsvConnector(spec, context, { watch: false });
console.log(`store opened: ${Math.round(performance.now() - wall)} ms wall, ${Math.round(cpuMs() - cpu)} ms CPU`);
wall = performance.now();
cpu = cpuMs();
const summary = await connector.refresh();
console.log(`export loaded: ${Math.round(performance.now() - wall)} ms wall, ${Math.round(cpuMs() - cpu)} ms CPU (this process, PGlite included)`);
console.log(JSON.stringify({ ...phases, file: summary?.files.permits.name }));

const signal = { signal: new AbortController().signal };
const pages: Array<[string, Parameters<typeof connector.listPermits>[0]]> = [
  ['first page', [{ limit: 21 }]],
  ['a status', [{ limit: 21, rawStatusIn: ['准予许可'] }]],
  ['UNKNOWN', [{ limit: 21, rawStatusNotIn: Object.keys(spec.statuses) }]],
  ['a half-year', [{ limit: 21, appliedFrom: '2023-01-01T00:00:00+08:00', appliedTo: '2023-06-30T23:59:59+08:00' }]],
  ['50 applicants, one call', Array.from({ length: 50 }, (_, i) => ({ limit: 6, applicantLocalIds: [`WSR${String(i + 1).padStart(6, '0')}`] }))],
];
for (const [name, queries] of pages) {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await connector.listPermits(queries, signal);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${name}: median ${times[2]!.toFixed(1)} ms of 5`);
}
await connector.close();
rmSync(dataDir, { recursive: true, force: true });
