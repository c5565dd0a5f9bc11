// `npm run bench:start [-- --runs 3] [--bin PATH] [--out NAME]`: how long `huitong start` (what `npm start`
// runs) takes to be ready, from spawning the process to its "ready at" line — cold (a fresh data
// directory: the first `npm start` of a clone) and warm (the same directory again). The demo district at
// its default scale, embedded PGlite, a free port. Prints a table and writes bench/results/NAME.{json,md}.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { processCpuMs } from './lib/cpu-time.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, bin: { type: 'string' }, out: { type: 'string', default: 'start-time-latest' } },
});
const bin = values.bin ?? fileURLToPath(new URL('../bin/huitong.js', import.meta.url));
const runs = Number(values.runs);

interface StartRun {
  /** Spawn to the "ready at" line, ms. */
  readyMs: number;
  /** CPU the process used until then, ms. */
  cpuMs: number;
  /** Each stderr line with its time since spawn, ms: where the seconds went. */
  lines: Array<{ atMs: number; line: string }>;
}

/** Starts the hub on `dataDir`, waits for it to be ready, stops it (SIGTERM) and waits for it to exit. */
async function startOnce(dataDir: string): Promise<StartRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, HUITONG_DATA_DIR: dataDir, PORT: '0', DATABASE_URL: '', HUITONG_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: StartRun['lines'] = [];
  let pending = '';
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 180 s:\n${lines.map((l) => l.line).join('\n')}`)), 180_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop()!;
      for (const line of parts) {
        const atMs = Math.round(performance.now() - started);
        lines.push({ atMs, line: line.length > 160 ? `${line.slice(0, 160)}…` : line });
        if (/ready at http/.test(line)) {
          clearTimeout(timer);
          resolve(atMs);
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready:\n${lines.map((l) => l.line).join('\n')}`)));
  });
  const cpu = processCpuMs(child.pid!).total;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return { readyMs, cpuMs: cpu, lines };
}

const results: Array<{ run: number; coldMs: number; warmMs: number; coldCpuMs: number; warmCpuMs: number; load: number[] }> = [];
let lastCold: StartRun | undefined;
for (let run = 1; run <= runs; run++) {
  const dataDir = mkdtempSync(join(tmpdir(), 'huitong-start-'));
  try {
    const load = loadavg().map((l) => Math.round(l * 10) / 10);
    const cold = await startOnce(dataDir);
    const warm = await startOnce(dataDir);
    lastCold = cold;
    results.push({ run, coldMs: cold.readyMs, warmMs: warm.readyMs, coldCpuMs: cold.cpuMs, warmCpuMs: warm.cpuMs, load });
    process.stderr.write(
      `run ${run}: cold ${(cold.readyMs / 1000).toFixed(1)} s (CPU ${(cold.cpuMs / 1000).toFixed(1)} s), warm ${(warm.readyMs / 1000).toFixed(1)} s (CPU ${(warm.cpuMs / 1000).toFixed(1)} s) (load ${load.join(' ')})\n`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = {
  bin,
  node: process.versions.node,
  at: new Date().toISOString(),
  runs: results,
  medianColdMs: median(results.map((r) => r.coldMs)),
  medianWarmMs: median(results.map((r) => r.warmMs)),
  medianColdCpuMs: median(results.map((r) => r.coldCpuMs)),
  medianWarmCpuMs: median(results.map((r) => r.warmCpuMs)),
};
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const resultsDir = fileURLToPath(new URL('results/', import.meta.url));
writeFileSync(join(resultsDir, `${values.out}.json`), `${JSON.stringify({ ...summary, lastColdLines: lastCold?.lines }, null, 1)}\n`);
const table = [
  '| run | cold: to ready | cold: CPU used | warm: to ready | warm: CPU used | load average 1/5/15 min at the run |',
  '|---:|---:|---:|---:|---:|---|',
  ...results.map((r) => `| ${r.run} | ${s(r.coldMs)} | ${s(r.coldCpuMs)} | ${s(r.warmMs)} | ${s(r.warmCpuMs)} | ${r.load.join(' / ')} |`),
  `| median | ${s(summary.medianColdMs)} | ${s(summary.medianColdCpuMs)} | ${s(summary.medianWarmMs)} | ${s(summary.medianWarmCpuMs)} | |`,
].join('\n');
writeFileSync(
  join(resultsDir, `${values.out}.md`),
  `# Start to ready: \`${bin}\`\n\n\`npm run bench:start -- --runs ${runs}\` on ${summary.at}, Node ${summary.node}.\n\n${table}\n\nThe last cold start, line by line (ms since spawn):\n\n\`\`\`\n${(lastCold?.lines ?? []).map((l) => `${String(l.atMs).padStart(6)}  ${l.line}`).join('\n')}\n\`\`\`\n`,
);
process.stdout.write(`${table}\n`);
