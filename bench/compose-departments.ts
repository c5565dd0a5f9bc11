// How long composing the hub's schema blocks the event loop as departments are added: the gateway
// stitches one subgraph per department with the hub-wide ones (composeHub, as a registry change does).
// composeHub yields between its phases; the longest block is the longest phase. Reported per round: the
// whole composition (wall clock, yields included), its longest phase (timed through composeHub's
// `pause` hook), and the event-loop delay histogram's maximum over all rounds.
//   npx tsx bench/compose-departments.ts [--departments 26] [--rounds 5]
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDepartmentSubgraph } from '../src/subgraphs/department/department-subgraph.js';
import { createCatalogueSubgraph } from '../src/subgraphs/catalogue/catalogue-subgraph.js';
import { createIdentitySubgraph } from '../src/subgraphs/identity/identity-subgraph.js';
import { RuntimeAdapter } from '../src/adapters/core/runtime-adapter.js';
import { inProcessEndpoint } from '../src/gateway/delegation/endpoints.js';
import { DepartmentSlot } from '../src/gateway/departments/department-slot.js';
import { composeHub } from '../src/gateway/departments/hub-composition.js';
import { nextPhase, type PhasePause } from '../src/gateway/compose/compose-phases.js';
import { openDatabase, migrateToLatest, type HubDatabase } from '../src/storage/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './lib/median.js';

const { values } = parseArgs({ options: { departments: { type: 'string', default: '26' }, rounds: { type: 'string', default: '5' } } });
const count = Number(values.departments);
const dir = mkdtempSync(join(tmpdir(), 'huitong-compose-'));
const database = await openDatabase<HubDatabase>({ dir });
await migrateToLatest(database.db);
const idle = async () => [];
const adapter = (code: string) =>
  new RuntimeAdapter(code, {
    connector: { listPermits: idle, getPermits: idle, listApplicants: async () => ({ rows: [], next: null }) },
    mapper: { statusCodes: {}, permit: () => ({ ok: false, localId: '', reason: '' }), applicant: () => ({ ok: false, localId: '', reason: '' }) },
  });
const slots = Array.from({ length: count }, (_, i) => {
  const code = `dept-${String(i + 1).padStart(2, '0')}`;
  const a = adapter(code);
  return new DepartmentSlot(code, code, inProcessEndpoint(createDepartmentSubgraph(a), 'department'), a);
});
const shared = [inProcessEndpoint(createCatalogueSubgraph(database.db), 'catalogue'), inProcessEndpoint(createIdentitySubgraph(database.db), 'identity')];
const times: number[] = [];
const longest: Array<{ phase: string; ms: number }> = [];
const phases = new Map<string, number[]>();
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
for (let round = 0; round < Number(values.rounds); round++) {
  const started = performance.now();
  let since = started;
  let worst = { phase: '', ms: 0 };
  // Each phase runs from the end of the previous pause to this one: one uninterrupted task.
  const pause: PhasePause = async (phase) => {
    const ms = performance.now() - since;
    if (ms > worst.ms) worst = { phase, ms };
    phases.set(phase, [...(phases.get(phase) ?? []), ms]);
    await nextPhase(phase);
    since = performance.now();
  };
  await composeHub(round, slots, { db: database.db, shared, governed: true, pause });
  times.push(performance.now() - started);
  longest.push(worst);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
histogram.disable();
process.stdout.write(
  `${count} departments: composition ${times.map((t) => t.toFixed(0)).join(' / ')} ms (median ${median(times).toFixed(0)} ms); ` +
    `longest phase ${longest.map((l) => `${l.ms.toFixed(0)} (${l.phase})`).join(' / ')} ms (median ${median(longest.map((l) => l.ms)).toFixed(0)} ms); ` +
    `event-loop delay max ${(histogram.max / 1e6).toFixed(0)} ms\n` +
    `  median per phase: ${[...phases].map(([phase, ms]) => `${phase} ${median(ms).toFixed(1)}`).join(', ')} ms\n`,
);
await database.close();
rmSync(dir, { recursive: true, force: true });
