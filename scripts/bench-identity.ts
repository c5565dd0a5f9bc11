// npm run bench:identity -- --records 1000000: generates an evaluation set of about that many records
// (generation not timed), resolves it, and prints records/s and peak RSS (process.resourceUsage().maxRSS).
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { generateEvaluationSet, resolveIdentities } from '../src/identity-resolution/index.js';

const { values } = parseArgs({ options: { records: { type: 'string' }, seed: { type: 'string' } } });
const target = Number(values.records ?? 100_000);
if (!(target > 0)) {
  process.stderr.write('usage: bench-identity --records N\n');
  process.exit(2);
}
const genStart = performance.now();
// About 2.8 records per applicant with the generator's defaults.
const set = generateEvaluationSet({ seed: Number(values.seed ?? 1), entities: Math.max(1, Math.round(target / 2.8)) });
const records = set.records.slice(0, target);
const genMs = performance.now() - genStart;
const start = performance.now();
const cpuStart = process.cpuUsage();
const result = resolveIdentities(records);
const ms = performance.now() - start;
// CPU time of the process while resolving: on a machine shared with other jobs it shows what the run
// itself cost, where wall time also counts the time it waited for a core.
const cpu = process.cpuUsage(cpuStart);
const peakMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  [
    `records          ${records.length} (generated in ${(genMs / 1000).toFixed(1)} s, not timed)`,
    `resolve time     ${(ms / 1000).toFixed(2)} s`,
    `records/s        ${Math.round(records.length / (ms / 1000))}`,
    `CPU time         ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (user + system, all threads; GC runs on helper threads)`,
    `load average     ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
    `peak RSS         ${peakMiB.toFixed(0)} MiB (whole process, generator included)`,
    `clusters         ${result.stats.clusters}, comparisons ${result.stats.comparisons}, review ${result.stats.reviewCandidates}`,
    '',
  ].join('\n'),
);
