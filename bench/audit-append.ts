// `npx tsx bench/audit-append.ts [--events 600] [--rounds 3] [--postgres URL [--writer-role]] [--checkpoint-every N]`:
// the audit log's group commit as the governed gateway drives it — ten requests at a time, each appending the
// event of a 200-permit page as the governed benchmark writes them (three departments, 564 record ids: the
// permits and their applicants' records; 200 applicants) — on the embedded database, or on a fresh database of
// the given PostgreSQL server, there as the gateway runs it with `--writer-role` (each append a transaction
// under the INSERT/SELECT-only role) and `--checkpoint-every 1000` (the gateway's default: a signed checkpoint,
// verifying the events since the last, every 1,000 events). Prints wall and this process's CPU per event (the
// gateway's thread pays the latter), median of the rounds. Nothing is asserted.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAuditLog, createAuditSigner, ensureAuditWriterRole, type AuditEventInput } from '../src/storage/audit-log/index.js';
import { migrateToLatest, openDatabase } from '../src/storage/index.js';
import { machineCpuMs } from './lib/cpu-time.js';
import { median } from './lib/median.js';
import { createDatabase, dropDatabase } from './lib/pg-databases.js';
import { runMain } from './lib/proc.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '600' },
    rounds: { type: 'string', default: '3' },
    postgres: { type: 'string' },
    'writer-role': { type: 'boolean', default: false },
    'checkpoint-every': { type: 'string', default: '0' },
  },
});
const EVENTS = Number(values.events);
const CONCURRENCY = 10;
const DATABASE = 'huitong_bench_audit_append';

// Generated ids only: the shape of a 200-permit page's event, no personal data.
const pageEvent = (n: number): AuditEventInput => ({
  consumer: 'c_bench_steward',
  consumerDepartment: null,
  purpose: 'none',
  operation: { name: 'PermitPage', hash: `sha256:${'0'.repeat(64)}` },
  released: ['market', 'health', 'housing'].map((department) => ({
    department,
    clearFields: ['Applicant.id', 'Applicant.kind', 'Applicant.name', 'Permit.appliedAt', 'Permit.id', 'Permit.status', 'Permit.title'],
    maskedFields: [],
    recordIds: Array.from({ length: 188 }, (_, i) => `${department}:bench_${n}_${i}`),
  })),
  applicantIds: Array.from({ length: 200 }, (_, i) => `ap_bench_${n}_${i}`),
  outcome: 'released',
  requestId: `req_bench_${n}`,
});

async function round(): Promise<{ wallMs: number; cpuMs: number; otherMs: number }> {
  const dir = values.postgres ? undefined : mkdtempSync(join(tmpdir(), 'huitong-bench-audit-'));
  const { db, close } = await openDatabase<any>(dir ? { dir } : { url: await createDatabase(values.postgres!, DATABASE) });
  try {
    await migrateToLatest(db);
    const writerRole = values['writer-role'] ? ((await ensureAuditWriterRole(db, 'huitong_audit_writer')).role ?? undefined) : undefined;
    const every = Number(values['checkpoint-every']);
    const signer = every > 0 ? createAuditSigner(generateKeyPairSync('ed25519').privateKey) : undefined;
    const log = createAuditLog(db, { checkpointEvery: every, ...(signer ? { signer } : {}), ...(writerRole ? { writerRole } : {}) });
    for (let i = 0; i < 50; i++) await log.append(pageEvent(i)); // warm-up
    const cpu = process.cpuUsage();
    const machine = machineCpuMs().busy;
    const start = performance.now();
    for (let n = 0; n < EVENTS; n += CONCURRENCY) await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => log.append(pageEvent(1000 + n + i))));
    if (signer) await log.checkpoint(); // any periodic checkpoint under way is part of the cost
    const wallMs = (performance.now() - start) / EVENTS;
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000 / EVENTS;
    return { wallMs, cpuMs, otherMs: (machineCpuMs().busy - machine) / EVENTS - cpuMs };
  } finally {
    await close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    else await dropDatabase(values.postgres!, DATABASE);
  }
}

runMain(
  async () => {
    const rounds: Array<{ wallMs: number; cpuMs: number; otherMs: number }> = [];
    for (let r = 0; r < Number(values.rounds); r++) rounds.push(await round());
    const engine = values.postgres ? 'PostgreSQL' : 'PGlite';
    const wall = median(rounds.map((r) => r.wallMs));
    const cpu = median(rounds.map((r) => r.cpuMs));
    // On PostgreSQL the rest of the machine is mostly the server's backends.
    const other = median(rounds.map((r) => r.otherMs));
    console.log(
      `${engine}: ${wall.toFixed(2)} ms wall, ${cpu.toFixed(2)} ms CPU of this process and ${other.toFixed(2)} ms of the rest of the machine per event (${EVENTS} events × ${rounds.length} rounds, ${CONCURRENCY} at a time)`,
    );
  },
  (message) => console.error(message),
);
