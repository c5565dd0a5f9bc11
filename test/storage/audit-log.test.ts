import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SelectQueryNode, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendAuditEvent,
  appendAuditEvents,
  checkpointAuditChain,
  createAuditLog,
  createAuditSigner,
  ensureAuditWriterRole,
  exportAuditRange,
  generateAuditKeyPair,
  MAX_EVENTS_PER_APPEND,
  openAuditAnchor,
  pruneAuditEvents,
  readAuditAnchor,
  searchAuditEvents,
  verifyAuditChain,
  verifyExport,
  type AuditEventInput,
  type AuditExport,
  type AuditVerification,
} from '../../src/storage/audit-log/index.js';
import { linkHash } from '../../src/storage/audit-log/event-document.js';
import { hashText } from '../../src/storage/audit-log/hash-algorithms.js';
import { migrateToLatest, type Database } from '../../src/storage/index.js';
import { backends } from '../support/databases.js';

const keys = generateAuditKeyPair();
const signer = createAuditSigner(keys.privateKeyPem);
const publicKey = keys.publicKeyPem;
const intruder = createAuditSigner(generateAuditKeyPair().privateKeyPem);

// Generated ids only: no personal data in fixtures.
const event = (i: number, overrides: Partial<AuditEventInput> = {}): AuditEventInput => ({
  consumer: i % 2 ? 'c_test_portal' : 'c_test_window',
  consumerDepartment: 'tax',
  purpose: 'test purpose',
  operation: { name: i % 3 ? 'ApplicantLicences' : 'ApplicantHousing', hash: `sha256:${hashText('sha256', `op${i % 3}`)}` },
  released: [{ department: i % 3 ? 'market' : 'housing', clearFields: ['status'], maskedFields: ['phone'], recordIds: [`rec_${i}`, `rec_shared`] }],
  applicantIds: [`ap_test${i}`],
  outcome: 'released',
  requestId: `req_${i}`,
  ...overrides,
});

class Rollback extends Error {}

/** Tampers inside a transaction, verifies there, and rolls back: every case starts from the same intact log. */
async function verifyAfter(db: Kysely<any>, tamper: (trx: Kysely<any>) => Promise<void>): Promise<AuditVerification> {
  let result: AuditVerification | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      await tamper(trx);
      result = await verifyAuditChain(trx, { publicKey });
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  return result!;
}

const brokenAt = (result: AuditVerification) => (result.ok ? null : { seq: result.broken.seq, problem: result.broken.problem });

for (const backend of backends) {
  describe(`audit log on ${backend.name}`, () => {
    let database: Database<any>;
    let db: Kysely<any>;
    beforeAll(async () => {
      database = await backend.open();
      db = database.db;
      await migrateToLatest(db);
    });
    afterAll(() => database.close());

    it('appends events and verifies the chain and its checkpoints', async () => {
      expect(await verifyAuditChain(db, { publicKey })).toMatchObject({ ok: true, events: 0 });
      for (let i = 1; i <= 5; i++) {
        const appended = await appendAuditEvent(db, event(i));
        expect(appended.seq).toBe(i);
      }
      const checkpoint = await checkpointAuditChain(db, { signer });
      expect(checkpoint).toMatchObject({ seq: 5, kind: 'on-demand', keyId: signer.keyId });
      // Signing again without new events returns the same checkpoint.
      expect((await checkpointAuditChain(db, { signer }))?.signature).toBe(checkpoint!.signature);
      await appendAuditEvent(db, event(6));
      expect(await verifyAuditChain(db, { publicKey })).toEqual({
        ok: true,
        events: 6,
        firstSeq: 1,
        lastSeq: 6,
        checkpoints: 1,
        lastCheckpointSeq: 5,
        unsignedEvents: 1,
      });
      // The stored text is what was hashed, byte for byte.
      const row = await db.selectFrom('audit_events').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
      expect(hashText('sha256', row.canonical)).toBe(row.content_hash);
      expect(JSON.parse(row.canonical)).toMatchObject({ seq: 3, consumer: 'c_test_portal', applicantIds: ['ap_test3'] });
    });

    it('rejects a malformed event before writing anything', async () => {
      await expect(appendAuditEvent(db, { ...event(0), purpose: '' })).rejects.toThrow(/purpose/);
      await expect(appendAuditEvent(db, { ...event(0), outcome: 'maybe' as never })).rejects.toThrow(/outcome/);
      expect((await verifyAuditChain(db, { publicKey })).lastSeq).toBe(6);
    });

    it('keeps one unbroken chain under 50 concurrent appends, with periodic checkpoints', async () => {
      const audit = createAuditLog(db, {
        signer,
        checkpointEvery: 10,
        onCheckpointError: (e) => {
          throw e;
        },
      });
      const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => audit.append(event(100 + i))));
      expect(appended.map((a) => a.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 7 + i));
      await audit.checkpoint();
      const result = await verifyAuditChain(db, { publicKey });
      expect(result).toMatchObject({ ok: true, events: 56, lastSeq: 56, lastCheckpointSeq: 56, unsignedEvents: 0 });
      const checkpoints = await db.selectFrom('audit_checkpoints').select(['seq', 'kind']).orderBy('seq').execute();
      expect(checkpoints.filter((c) => c.kind === 'periodic').map((c) => c.seq)).toEqual([10, 20, 30, 40, 50]);
      // Appended in one tick, they went out together: one transaction, one reading of the clock.
      const times = await db.selectFrom('audit_events').select('occurred_at').where('seq', '>=', 7).execute();
      expect(new Set(times.map((t) => new Date(t.occurred_at).getTime())).size).toBe(1);
    });

    it('names an edited row: changed canonical text', async () => {
      const result = await verifyAfter(db, (trx) =>
        sql`update audit_events set canonical = replace(canonical, 'test purpose', 'other purpose') where seq = 12`.execute(trx).then(() => {}),
      );
      expect(brokenAt(result)).toEqual({ seq: 12, problem: 'content-hash-mismatch' });
    });

    it('names an edited row whose hashes were recomputed, and a rewritten chain up to a checkpoint', async () => {
      const rehash = async (trx: Kysely<any>, seq: number, prev: string | null) => {
        const row = await trx.selectFrom('audit_events').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
        const canonical = String(row.canonical).replace('test purpose', 'other purpose');
        const contentHash = hashText('sha256', canonical);
        const hash = linkHash('sha256', seq, prev ?? row.prev_hash, contentHash);
        await trx
          .updateTable('audit_events')
          .set({ canonical, content_hash: contentHash, hash, prev_hash: prev ?? row.prev_hash })
          .where('seq', '=', seq)
          .execute();
        return hash;
      };
      const one = await verifyAfter(db, async (trx) => void (await rehash(trx, 12, null)));
      expect(brokenAt(one)).toEqual({ seq: 13, problem: 'previous-hash-mismatch' });
      // Rewriting every later link too cannot reach the signed head.
      const all = await verifyAfter(db, async (trx) => {
        let prev: string | null = null;
        for (let seq = 12; seq <= 56; seq++) prev = await rehash(trx, seq, prev);
      });
      expect(brokenAt(all)).toEqual({ seq: 20, problem: 'checkpoint-mismatch' });
    });

    it('names a deleted row in the middle', async () => {
      const result = await verifyAfter(db, (trx) =>
        trx
          .deleteFrom('audit_events')
          .where('seq', '=', 30)
          .execute()
          .then(() => {}),
      );
      expect(brokenAt(result)).toEqual({ seq: 30, problem: 'missing-sequence' });
    });

    it('names a truncated tail after a checkpoint', async () => {
      const result = await verifyAfter(db, (trx) =>
        trx
          .deleteFrom('audit_events')
          .where('seq', '>', 52)
          .execute()
          .then(() => {}),
      );
      expect(brokenAt(result)).toEqual({ seq: 53, problem: 'truncated-after-checkpoint' });
      expect(result.ok ? '' : result.broken.detail).toMatch(/checkpoint 56/);
      // Truncating the checkpoints too is caught by a verifier that remembers the last one it saw.
      let remembered: AuditVerification | undefined;
      await db
        .transaction()
        .execute(async (trx) => {
          await trx.deleteFrom('audit_events').where('seq', '>', 52).execute();
          await trx.deleteFrom('audit_checkpoints').where('seq', '>', 52).execute();
          remembered = await verifyAuditChain(trx, { publicKey, minCheckpointSeq: 56 });
          throw new Rollback();
        })
        .catch((e: unknown) => {
          if (!(e instanceof Rollback)) throw e;
        });
      expect(brokenAt(remembered!)).toEqual({ seq: 56, problem: 'missing-checkpoint' });
    });

    it('names a forged checkpoint signature', async () => {
      const flipped = await verifyAfter(db, (trx) =>
        sql`update audit_checkpoints set signature = translate(signature, 'ABCabc', 'BCAbca') where seq = 30`.execute(trx).then(() => {}),
      );
      expect(brokenAt(flipped)).toEqual({ seq: 30, problem: 'bad-checkpoint-signature' });
      // A checkpoint signed with a key that is not the hub's.
      const foreign = await verifyAfter(db, async (trx) => {
        const row = await trx.selectFrom('audit_checkpoints').selectAll().where('seq', '=', 40).executeTakeFirstOrThrow();
        const statement = String(row.statement).replace(signer.keyId, intruder.keyId);
        await trx
          .updateTable('audit_checkpoints')
          .set({ statement, key_id: intruder.keyId, signature: intruder.sign(statement) })
          .where('seq', '=', 40)
          .execute();
      });
      expect(brokenAt(foreign)).toEqual({ seq: 40, problem: 'bad-checkpoint-signature' });
    });

    it('names a search index that no longer matches the text', async () => {
      const result = await verifyAfter(db, (trx) =>
        trx
          .deleteFrom('audit_event_record_sets')
          .where('event_seq', '=', 15)
          .where('kind', '=', 'applicant')
          .execute()
          .then(() => {}),
      );
      expect(brokenAt(result)).toEqual({ seq: 15, problem: 'index-mismatch' });
    });

    it('searches by applicant, record, department, consumer, operation and time', async () => {
      const byApplicant = await searchAuditEvents(db, { applicantId: 'ap_test3' });
      expect(byApplicant.map((e) => e.seq)).toEqual([3]);
      expect(byApplicant[0]!.event.released[0]!.recordIds).toContain('rec_3');
      expect((await searchAuditEvents(db, { recordId: 'rec_110' })).map((e) => e.event.requestId)).toEqual(['req_110']);
      expect(await searchAuditEvents(db, { recordId: 'rec_110', department: 'housing' })).toEqual([]);
      expect(await searchAuditEvents(db, { recordId: 'rec_shared', limit: 1000 })).toHaveLength(56);
      const housing = await searchAuditEvents(db, { department: 'housing', limit: 1000 });
      expect(housing.length).toBeGreaterThan(0);
      expect(housing.every((e) => e.event.released.some((r) => r.department === 'housing'))).toBe(true);
      const portal = await searchAuditEvents(db, { consumer: 'c_test_portal', operation: 'ApplicantLicences', limit: 1000 });
      expect(portal.every((e) => e.event.consumer === 'c_test_portal' && e.event.operation.name === 'ApplicantLicences')).toBe(true);
      const all = await searchAuditEvents(db, { limit: 1000 });
      const middle = all[20]!.event.at;
      const later = await searchAuditEvents(db, { from: new Date(middle), limit: 1000 });
      expect(later.every((e) => e.event.at >= middle)).toBe(true);
      expect((await searchAuditEvents(db, { afterSeq: 50 })).map((e) => e.seq)).toEqual([51, 52, 53, 54, 55, 56]);
    });

    it('verifies an SM3 chain (the algorithm is stored per event)', async () => {
      for (let i = 0; i < 3; i++) await appendAuditEvent(db, event(200 + i), { hash: 'sm3' });
      const row = await db.selectFrom('audit_events').selectAll().where('seq', '=', 58).executeTakeFirstOrThrow();
      expect(row.hash_alg).toBe('sm3');
      expect(hashText('sm3', row.canonical)).toBe(row.content_hash);
      await checkpointAuditChain(db, { signer });
      expect(await verifyAuditChain(db, { publicKey })).toMatchObject({ ok: true, lastSeq: 59, lastCheckpointSeq: 59 });
      const tampered = await verifyAfter(db, (trx) =>
        sql`update audit_events set canonical = replace(canonical, 'req_201', 'req_999') where seq = 58`.execute(trx).then(() => {}),
      );
      expect(brokenAt(tampered)).toEqual({ seq: 58, problem: 'content-hash-mismatch' });
    });

    it('exports a range a third party verifies offline with the public key alone', async () => {
      const all = await searchAuditEvents(db, { limit: 1000 });
      // Concurrent appends share a transaction and its time: bound the range by times, not positions.
      const from = new Date(all[10]!.event.at);
      const to = new Date(all.find((e) => e.event.at > all[14]!.event.at)!.event.at);
      const exported = await exportAuditRange(db, { from, to });
      const text = JSON.stringify(exported);
      const result = verifyExport(text, publicKey);
      expect(result.ok).toBe(true);
      const inRange = all.filter((e) => e.event.at >= from.toISOString() && e.event.at < to.toISOString()).length;
      expect(result).toMatchObject({ ok: true, inRange, endProven: true });
      // Only the range and one event either side are disclosed; the rest up to the checkpoint are links.
      const texts = exported.events.filter((e) => e.canonical !== undefined).map((e) => e.seq);
      expect(texts).toEqual(Array.from({ length: inRange + 2 }, (_, i) => texts[0]! + i));
      // …up to the first checkpoint at or after the range.
      const signed = (await db.selectFrom('audit_checkpoints').select('seq').execute()).map((c) => Number(c.seq));
      expect(exported.events.at(-1)!.seq).toBe(Math.min(...signed.filter((c) => c >= texts.at(-1)!)));

      const altered = JSON.parse(text) as AuditExport;
      const victimSeq = (result as { firstSeq: number }).firstSeq + 1;
      const victim = altered.events.find((e) => e.seq === victimSeq)!;
      victim.canonical = victim.canonical!.replace('test purpose', 'other purpose');
      expect(verifyExport(altered, publicKey)).toMatchObject({ ok: false, seq: victimSeq });

      const gap = JSON.parse(text) as AuditExport;
      gap.events.splice(4, 1);
      expect(verifyExport(gap, publicKey).ok).toBe(false);

      const forged = JSON.parse(text) as AuditExport;
      forged.checkpoints = forged.checkpoints.map((c) => ({ ...c, signature: intruder.sign(c.statement) }));
      expect(verifyExport(forged, publicKey)).toMatchObject({ ok: false });
      expect(verifyExport(text, intruder.publicKey)).toMatchObject({ ok: false });
    });

    it('exports an unsigned tail only after signing it', async () => {
      await appendAuditEvent(db, event(300));
      const from = new Date(Date.now() - 60_000);
      const to = new Date(Date.now() + 60_000);
      await expect(exportAuditRange(db, { from, to })).rejects.toThrow(/no signed checkpoint/);
      const exported = await exportAuditRange(db, { from, to, signer });
      expect(verifyExport(exported, publicKey)).toMatchObject({ ok: true, lastSeq: 60, checkpointSeq: 60, endProven: false });
    });

    it('refuses to prune anything younger than six months', async () => {
      await expect(pruneAuditEvents(db, { signer, olderThan: new Date(Date.now() - 30 * 86_400_000) })).rejects.toThrow(/younger than 183 days/);
      await expect(pruneAuditEvents(db, { signer, retentionDays: 90 })).rejects.toThrow(/at least 183/);
      expect(await pruneAuditEvents(db, { signer })).toEqual({ pruned: 0, anchorSeq: null });
    });

    it('writes through a role with no UPDATE or DELETE where the backend has roles', async () => {
      const roleName = `huitong_audit_writer_t${Math.random().toString(36).slice(2, 8)}`;
      const { role, reason } = await ensureAuditWriterRole(db, roleName);
      if (backend.name === 'pglite') {
        expect(role).toBeNull();
        expect(reason).toMatch(/PGlite/);
        return;
      }
      try {
        expect(role).toBe(roleName);
        expect(await ensureAuditWriterRole(db, roleName)).toEqual({ role: roleName });
        const audit = createAuditLog(db, { signer, writerRole: roleName, checkpointEvery: 0 });
        const appended = await audit.append(event(400));
        expect((await audit.checkpoint())?.seq).toBe(appended.seq);
        for (const statement of [
          sql`update audit_events set consumer = 'x' where seq = 1`,
          sql`update audit_events set canonical = 'x' where seq = 1`,
          sql`delete from audit_events where seq = 1`,
          sql`delete from audit_checkpoints`,
          sql`delete from audit_event_record_sets`,
          sql`truncate audit_events cascade`,
        ]) {
          await expect(
            db.transaction().execute(async (trx) => {
              await sql`set local role ${sql.id(roleName)}`.execute(trx);
              await statement.execute(trx);
            }),
          ).rejects.toMatchObject({ code: '42501' });
        }
        // The connection went back to its own role after each transaction.
        const { rows } = await sql<{ u: string }>`select current_user as u`.execute(db);
        expect(rows[0]!.u).not.toBe(roleName);
        expect((await verifyAuditChain(db, { publicKey })).ok).toBe(true);
      } finally {
        await dropRoleLater(roleName);
      }
    });

    it('prunes old events behind a signed anchor and keeps the chain verifiable', async () => {
      const cutoff = new Date(Date.now() + 1000);
      await new Promise((r) => setTimeout(r, 1100));
      for (let i = 0; i < 3; i++) await appendAuditEvent(db, event(500 + i));
      const before = await verifyAuditChain(db, { publicKey });
      expect(before.ok).toBe(true);
      // "Now" is seven months after the cutoff, as it will be once the retention period has passed.
      const now = new Date(cutoff.getTime() + 213 * 86_400_000);
      const result = await pruneAuditEvents(db, { signer, olderThan: cutoff, now });
      expect(result.anchorSeq).toBe(before.lastSeq! - 3);
      expect(result.pruned).toBe(before.lastSeq! - 3);
      const after = await verifyAuditChain(db, { publicKey });
      expect(after).toMatchObject({ ok: true, events: 3, firstSeq: result.anchorSeq! + 1 });
      expect(await searchAuditEvents(db, { applicantId: 'ap_test3' })).toEqual([]);
      // The chain continues from the kept events, and deleting one of them is still caught.
      await appendAuditEvent(db, event(600));
      await checkpointAuditChain(db, { signer });
      expect((await verifyAuditChain(db, { publicKey })).ok).toBe(true);
      const first = await verifyAfter(db, (trx) =>
        trx
          .deleteFrom('audit_events')
          .where('seq', '=', result.anchorSeq! + 1)
          .execute()
          .then(() => {}),
      );
      expect(brokenAt(first)).toEqual({ seq: result.anchorSeq! + 1, problem: 'missing-sequence' });
      // Without the anchor, a log that starts late is events deleted from the start.
      const noAnchor = await verifyAfter(db, (trx) =>
        trx
          .deleteFrom('audit_checkpoints')
          .where('kind', '=', 'anchor')
          .execute()
          .then(() => {}),
      );
      expect(brokenAt(noAnchor)).toEqual({ seq: result.anchorSeq!, problem: 'missing-sequence' });
      // Everything pruned: the anchor alone is a valid, empty log, and appends continue from it.
      const all = await pruneAuditEvents(db, { signer, olderThan: new Date(Date.now() + 1000), now: new Date(Date.now() + 400 * 86_400_000) });
      expect(await verifyAuditChain(db, { publicKey })).toMatchObject({ ok: true, events: 0, lastCheckpointSeq: all.anchorSeq });
      expect((await appendAuditEvent(db, event(700))).seq).toBe(all.anchorSeq! + 1);
      expect((await verifyAuditChain(db, { publicKey })).ok).toBe(true);
    });

    it('refuses to sign a checkpoint over a tampered segment, and to append past a truncated tail', async () => {
      const head = (await verifyAuditChain(db, { publicKey })).lastSeq!;
      await appendAuditEvent(db, event(800));
      await sql`update audit_events set canonical = replace(canonical, 'req_800', 'req_888') where seq = ${head + 1}`.execute(db);
      await expect(checkpointAuditChain(db, { signer })).rejects.toThrow(/refusing to sign: seq \d+ content-hash-mismatch/);
      await sql`delete from audit_events where seq = ${head + 1}`.execute(db);
      await checkpointAuditChain(db, { signer });
      await sql`delete from audit_events where seq = ${head}`.execute(db);
      await expect(appendAuditEvent(db, event(801))).rejects.toThrow(/truncated/);
      expect(brokenAt(await verifyAuditChain(db, { publicKey }))).toEqual({ seq: head, problem: 'truncated-after-checkpoint' });
    });
  });
}

for (const backend of backends) {
  describe(`audit log, batched appends and large events, on ${backend.name}`, () => {
    it('indexes every record of an event that releases twenty thousand, and keeps the chain verifiable', async () => {
      const database = await backend.open<any>();
      try {
        await migrateToLatest(database.db);
        const recordIds = Array.from({ length: 20_000 }, (_, i) => `rec_bulk_${i}`);
        const bulk = event(1, { released: [{ department: 'market', clearFields: ['status'], maskedFields: [], recordIds }] });
        const appended = await appendAuditEvent(database.db, bulk);
        await appendAuditEvent(database.db, event(2));
        const indexed = await database.db
          .selectFrom('audit_event_record_sets')
          .select(sql<string>`sum(cardinality(record_ids))`.as('n'))
          .where('event_seq', '=', appended.seq)
          .where('kind', '=', 'record')
          .executeTakeFirstOrThrow();
        expect(Number(indexed.n)).toBe(20_000);
        for (const id of ['rec_bulk_0', 'rec_bulk_999', 'rec_bulk_7500', 'rec_bulk_19999']) {
          expect(
            (await searchAuditEvents(database.db, { recordId: id })).map((e) => e.seq),
            id,
          ).toEqual([appended.seq]);
        }
        expect(await verifyAuditChain(database.db, { publicKey })).toMatchObject({ ok: true, events: 2, lastSeq: 2 });
      } finally {
        await database.close();
      }
    });

    it('indexes each record as the stored text names it: repeated ids, one department twice, characters JSON escapes', async () => {
      const database = await backend.open<any>();
      try {
        await migrateToLatest(database.db);
        const odd = ['rec "quoted"', 'rec\\back', '许可/第1号', 'rec\ttab', 'rec_😀'];
        const appended = await appendAuditEvent(
          database.db,
          event(1, {
            released: [
              { department: 'market', clearFields: ['status'], maskedFields: [], recordIds: [...odd, 'rec_a', 'rec_a'] },
              { department: 'market', clearFields: [], maskedFields: ['phone'], recordIds: ['rec_a', 'rec_b'] },
              { department: 'housing', clearFields: ['status'], maskedFields: [], recordIds: ['rec_a'] },
            ],
            applicantIds: ['ap_1', 'ap_1', 'rec_a'],
          }),
        );
        const sets = await database.db
          .selectFrom('audit_event_record_sets')
          .select(['record_ids', 'kind', 'department'])
          .where('event_seq', '=', appended.seq)
          .execute();
        const rows = sets.flatMap((r) => r.record_ids.map((record_id: string) => ({ record_id, kind: r.kind, department: r.department })));
        const want = [
          ...['ap_1', 'rec_a'].map((id) => ({ record_id: id, kind: 'applicant', department: '' })),
          { record_id: 'rec_a', kind: 'record', department: 'housing' },
          ...[...odd, 'rec_a', 'rec_b'].map((id) => ({ record_id: id, kind: 'record', department: 'market' })),
        ];
        const order = (a: (typeof want)[number], b: (typeof want)[number]) =>
          a.kind.localeCompare(b.kind) || a.department.localeCompare(b.department) || (a.record_id < b.record_id ? -1 : a.record_id > b.record_id ? 1 : 0);
        // A repeated id may repeat its row (appends do not pay to deduplicate); the set of rows is exact.
        const distinct = [...new Map(rows.map((r) => [`${r.kind}/${r.department}/${r.record_id}`, r])).values()];
        expect(distinct.sort(order)).toEqual(want.sort(order));
        for (const id of odd) expect((await searchAuditEvents(database.db, { recordId: id })).map((e) => e.seq)).toEqual([appended.seq]);
        expect(await verifyAuditChain(database.db, { publicKey })).toMatchObject({ ok: true, events: 1 });
      } finally {
        await database.close();
      }
    });

    it('appends without a transaction or the chain lock: one read of the head and one statement per group, and two logs racing for the same seqs never fork the chain', async () => {
      const database = await backend.open<any>();
      try {
        await migrateToLatest(database.db);
        // Every statement, and whether it ran inside a transaction (which, on the embedded database, holds
        // its one connection from every other request until the commit).
        const inTransaction = new AsyncLocalStorage<true>();
        const statements: Array<{ kind: string; inTransaction: boolean }> = [];
        const watched = (afterFirstResult?: () => Promise<unknown>) => {
          let first = true;
          const db = database.db.withPlugin({
            transformQuery({ node }) {
              statements.push({ kind: node.kind, inTransaction: inTransaction.getStore() === true });
              return node;
            },
            transformResult: async ({ result }) => {
              if (first && afterFirstResult) await afterFirstResult();
              first = false;
              return result;
            },
          });
          const transaction = db.transaction.bind(db);
          return Object.assign(db, {
            transaction: () => {
              const builder = transaction();
              return { execute: (fn: (trx: Kysely<any>) => Promise<unknown>) => builder.execute((trx) => inTransaction.run(true, () => fn(trx))) };
            },
          }) as Kysely<any>;
        };
        const audit = createAuditLog(watched());
        await Promise.all(Array.from({ length: 30 }, (_, i) => audit.append(event(i))));
        expect(statements).toEqual([
          { kind: 'RawNode', inTransaction: false },
          { kind: 'InsertQueryNode', inTransaction: false },
        ]);

        // Two logs (two hub processes, say) read the same head: the primary key refuses the second insert's
        // seqs and that log links to the new head instead. On PostgreSQL a holds the head it read until b has
        // appended (through another pooled connection); the embedded database's one connection serves
        // statements in the order they were asked, so there b's head read is queued before a's insert.
        statements.length = 0;
        let bAppended: Promise<unknown> = Promise.resolve();
        const a = createAuditLog(watched(backend.name === 'postgres' ? () => bAppended : undefined));
        const b = createAuditLog(watched());
        const aAppends = Array.from({ length: 30 }, (_, i) => a.append(event(100 + i)));
        const bAppends = Array.from({ length: 30 }, (_, i) => b.append(event(130 + i)));
        bAppended = Promise.all(bAppends);
        const appended = [...(await Promise.all(aAppends)), ...(await Promise.all(bAppends))];
        expect(appended.map((x) => x.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => 31 + i));
        expect(statements.filter((s) => s.kind === 'InsertQueryNode')).toHaveLength(3);
        expect(statements.filter((s) => s.inTransaction)).toEqual([]);
        expect(await verifyAuditChain(database.db, { publicKey })).toMatchObject({ ok: true, events: 90, lastSeq: 90 });
        // Each event is searchable by its records and applicant: the refused statement left nothing behind.
        for (const i of [0, 29, 100, 159])
          expect((await searchAuditEvents(database.db, { recordId: `rec_${i}`, department: i % 3 ? 'market' : 'housing' })).length, `rec_${i}`).toBe(1);
        expect((await searchAuditEvents(database.db, { recordId: 'rec_shared', limit: 1000 })).length).toBe(90);
      } finally {
        await database.close();
      }
    });

    it('fails a malformed event alone when it is appended together with others, and batches past the per-transaction limit', async () => {
      const database = await backend.open<any>();
      try {
        await migrateToLatest(database.db);
        const audit = createAuditLog(database.db);
        const results = await Promise.allSettled([audit.append(event(1)), audit.append({ ...event(2), purpose: '' }), audit.append(event(3))]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.seq] : []))).toEqual([1, 2]);
        const many = await Promise.all(Array.from({ length: MAX_EVENTS_PER_APPEND + 20 }, (_, i) => audit.append(event(10 + i))));
        expect(many.map((a) => a.seq)).toEqual(Array.from({ length: MAX_EVENTS_PER_APPEND + 20 }, (_, i) => 3 + i));
        expect(await verifyAuditChain(database.db, { publicKey })).toMatchObject({ ok: true, events: MAX_EVENTS_PER_APPEND + 22 });
        await expect(appendAuditEvents(database.db, [event(1), { ...event(2), outcome: 'maybe' as never }])).rejects.toThrow(/outcome/);
        expect((await verifyAuditChain(database.db, { publicKey })).lastSeq).toBe(MAX_EVENTS_PER_APPEND + 22);
      } finally {
        await database.close();
      }
    });
  });
}

for (const backend of backends) {
  describe(`audit log against an anchor outside the database, on ${backend.name}`, () => {
    let database: Database<any>;
    let db: Kysely<any>;
    let dir: string;
    let anchorFile: string;
    beforeAll(async () => {
      database = await backend.open();
      db = database.db;
      await migrateToLatest(db);
      dir = mkdtempSync(join(tmpdir(), 'huitong-anchor-'));
      anchorFile = join(dir, 'audit-anchor.jsonl');
      // The hub's set-up: periodic and on-demand checkpoints, each also appended to the anchor file.
      const audit = createAuditLog(db, {
        signer,
        checkpointEvery: 5,
        anchor: openAuditAnchor(anchorFile),
        onCheckpointError: (e) => {
          throw e;
        },
      });
      for (let i = 1; i <= 12; i++) await audit.append(event(i));
      await audit.checkpoint();
    });
    afterAll(async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** Verifies against the anchor file after tampering, inside a transaction that is rolled back. */
    const verifyWith = async (tamper: (trx: Kysely<any>) => Promise<unknown>, anchor = readAuditAnchor(anchorFile)) => {
      const result: { without?: AuditVerification; with?: AuditVerification } = {};
      await db
        .transaction()
        .execute(async (trx) => {
          await tamper(trx);
          result.without = await verifyAuditChain(trx, { publicKey });
          result.with = await verifyAuditChain(trx, { publicKey, anchor });
          throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
      return { without: result.without!, with: result.with! };
    };
    const deleteFrom = (seq: number) => async (trx: Kysely<any>) => {
      await trx.deleteFrom('audit_event_record_sets').where('event_seq', '>=', seq).execute();
      await trx.deleteFrom('audit_events').where('seq', '>=', seq).execute();
      await trx.deleteFrom('audit_checkpoints').where('seq', '>=', seq).execute();
    };

    it('appends every committed checkpoint to the anchor file and verifies against it', async () => {
      const anchor = readAuditAnchor(anchorFile);
      expect(anchor.map((a) => JSON.parse(a.statement).seq)).toEqual([5, 10, 12]);
      expect(anchor[0]!.source).toBe(`${anchorFile}:1`);
      expect(openAuditAnchor(anchorFile).lastSeq()).toBe(12);
      expect(await verifyAuditChain(db, { publicKey, anchor })).toMatchObject({ ok: true, lastSeq: 12, anchor: { checkpoints: 3, lastSeq: 12 } });
    });

    it('names a tail deleted together with its checkpoints', async () => {
      const { without, with: anchored } = await verifyWith(deleteFrom(8));
      // The database alone looks like an older, intact log…
      expect(without).toMatchObject({ ok: true, lastSeq: 7, lastCheckpointSeq: 5 });
      // …the anchor knows it reached seq 12.
      expect(brokenAt(anchored)).toEqual({ seq: 8, problem: 'truncated-before-anchor' });
      expect(anchored.ok ? '' : anchored.broken.detail).toMatch(/ends at seq 7.*seq 12/);
    });

    it('names a wiped log', async () => {
      const wiped = await verifyWith(deleteFrom(1));
      expect(wiped.without).toMatchObject({ ok: true, events: 0 });
      expect(brokenAt(wiped.with)).toEqual({ seq: 1, problem: 'truncated-before-anchor' });
    });

    it('names a checkpoint row the anchor holds and the log lost', async () => {
      const { without, with: anchored } = await verifyWith((trx) => trx.deleteFrom('audit_checkpoints').where('seq', '=', 10).execute());
      expect(without.ok).toBe(true);
      expect(brokenAt(anchored)).toEqual({ seq: 10, problem: 'missing-checkpoint' });
    });

    it('refuses an anchor line that is not signed by the audit key, and a line that is not an anchor line', async () => {
      const forged = readAuditAnchor(anchorFile).map((a) => ({ ...a, signature: intruder.sign(a.statement) }));
      const { with: anchored } = await verifyWith(async () => {}, forged);
      expect(brokenAt(anchored)).toEqual({ seq: 0, problem: 'bad-anchor' });
      expect(anchored.ok ? '' : anchored.broken.detail).toContain(`${anchorFile}:1`);
      const junk = join(dir, 'junk.jsonl');
      writeFileSync(junk, `${readFileSync(anchorFile, 'utf8')}not json\n`);
      expect(() => readAuditAnchor(junk)).toThrow(`${junk}:4 is not an audit anchor line`);
    });

    it('records pruning in the anchor: verification still passes, and a later truncation is still named', async () => {
      const pruned = await pruneAuditEvents(db, {
        signer,
        olderThan: new Date(Date.now() + 1000),
        now: new Date(Date.now() + 400 * 86_400_000),
        anchor: openAuditAnchor(anchorFile),
      });
      expect(pruned).toEqual({ pruned: 12, anchorSeq: 12 });
      const anchor = readAuditAnchor(anchorFile);
      expect(JSON.parse(anchor.at(-1)!.statement)).toMatchObject({ seq: 12, kind: 'anchor' });
      expect(await verifyAuditChain(db, { publicKey, anchor })).toMatchObject({ ok: true, events: 0 });
      const audit = createAuditLog(db, { signer, checkpointEvery: 0, anchor: openAuditAnchor(anchorFile) });
      for (let i = 13; i <= 15; i++) await audit.append(event(i));
      await audit.checkpoint();
      expect(await verifyAuditChain(db, { publicKey, anchor: readAuditAnchor(anchorFile) })).toMatchObject({ ok: true, firstSeq: 13, lastSeq: 15 });
      expect(brokenAt((await verifyWith(deleteFrom(14))).with)).toEqual({ seq: 14, problem: 'truncated-before-anchor' });
    });

    it('names a log wiped and written again as far as the anchor reaches', async () => {
      await deleteFrom(1)(db);
      for (let i = 1; i <= 15; i++) await appendAuditEvent(db, event(900 + i));
      expect(await verifyAuditChain(db, { publicKey })).toMatchObject({ ok: true, lastSeq: 15 });
      expect(brokenAt(await verifyAuditChain(db, { publicKey, anchor: readAuditAnchor(anchorFile) }))).toEqual({ seq: 15, problem: 'missing-checkpoint' });
    });
  });
}

const rolesToDrop: string[] = [];
async function dropRoleLater(role: string) {
  rolesToDrop.push(role);
}
afterAll(async () => {
  if (!process.env.DATABASE_URL || rolesToDrop.length === 0) return;
  // Roles are cluster-wide; the test database (and the grants in it) is dropped by then.
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  for (const role of rolesToDrop) await admin.query(`drop role if exists ${role}`).catch(() => {});
  await admin.end();
});

for (const backend of backends) {
  describe(`periodic checkpoints beside the appends, on ${backend.name}`, () => {
    it('verifies the events a checkpoint signs outside the chain lock, twenty-five per statement', async () => {
      const database = await backend.open();
      try {
        await migrateToLatest(database.db);
        // Which statements run inside a transaction (the chain lock is transaction-scoped), and their limits.
        const inTransaction = new AsyncLocalStorage<true>();
        const reads: Array<{ table: string; inTransaction: boolean; limit: unknown }> = [];
        const watched = database.db.withPlugin({
          transformQuery({ node }) {
            if (SelectQueryNode.is(node)) {
              const table = JSON.stringify(node.from).match(/"name":"(audit_[a-z_]+)"/)?.[1];
              if (table)
                reads.push({ table, inTransaction: inTransaction.getStore() === true, limit: (node.limit?.limit as { value?: unknown })?.value ?? null });
            }
            return node;
          },
          transformResult: async ({ result }) => result,
        });
        const transaction = watched.transaction.bind(watched);
        Object.assign(watched, {
          transaction: () => {
            const builder = transaction();
            return { execute: (fn: (trx: Kysely<any>) => Promise<unknown>) => builder.execute((trx) => inTransaction.run(true, () => fn(trx))) };
          },
        });
        const audit = createAuditLog(watched, {
          signer,
          checkpointEvery: 100,
          onCheckpointError: (e) => {
            throw e;
          },
        });
        await Promise.all(Array.from({ length: 250 }, (_, i) => audit.append(event(i))));
        await audit.checkpoint();

        const checkpoints = await (database.db as Kysely<any>).selectFrom('audit_checkpoints').select(['seq', 'kind']).orderBy('seq').execute();
        expect(checkpoints).toEqual([
          { seq: 100, kind: 'periodic' },
          { seq: 200, kind: 'periodic' },
          { seq: 250, kind: 'on-demand' },
        ]);
        expect(await verifyAuditChain(database.db, { publicKey })).toMatchObject({ ok: true, lastSeq: 250, lastCheckpointSeq: 250 });
        // The walks read every event since the previous checkpoint, never while holding the lock every
        // append waits for, in statements of at most twenty-five events each…
        const eventPages = reads.filter((r) => r.table === 'audit_events' && r.limit !== null);
        expect(eventPages.length).toBeGreaterThanOrEqual(10);
        expect(eventPages.filter((r) => r.inTransaction)).toEqual([]);
        expect(eventPages.every((r) => Number(r.limit) <= 25)).toBe(true);
        // …and leave the record index, which no signature covers, to verification.
        expect(reads.filter((r) => r.table === 'audit_event_record_sets')).toEqual([]);
      } finally {
        await database.close();
      }
    });
  });
}
