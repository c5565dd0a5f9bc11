import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAuditAnchor, searchAuditEvents, verifyAuditChain } from '../../src/storage/audit-log/index.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

// A steward's list of permits with their applicants: every department's data, so every request is audited.
const LIST = /* GraphQL */ `query AuditedList { permits(first: 5) { nodes { title applicant { name } } } }`;

for (const backend of backends) {
  describe(`the audit trail of a running hub (${backend.name})`, () => {
    let hub: DemoHub;
    const errors: Array<{ obj: Record<string, unknown>; msg: string | undefined }> = [];
    beforeAll(async () => {
      hub = await startDemoHub(backend, {
        logger: { info() {}, warn() {}, debug() {}, error: (obj: object, msg?: string) => void errors.push({ obj: obj as Record<string, unknown>, msg }) },
      });
    });
    afterAll(() => hub?.stop());

    const post = (requestId: string) =>
      fetch(`${hub.hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-steward-key', 'x-request-id': requestId },
        body: JSON.stringify({ query: LIST }),
      });

    it("keeps a client's request id from ever naming another request's audit event", async () => {
      const first = await post('client-req-1');
      const again = await post('client-req-1');
      expect([first.status, again.status]).toEqual([200, 200]);
      const events = (await searchAuditEvents(hub.hub.db, { operation: 'AuditedList', limit: 100 })).map((e) => e.event.requestId);
      expect(events).toHaveLength(2);
      // Each event's id is the hub's own, unique; the client's id rides along for correlation.
      expect(new Set(events).size).toBe(2);
      expect(events.every((id) => id !== 'client-req-1' && id!.endsWith(':client-req-1'))).toBe(true);
      // The response names the id the hub filed the request under.
      expect(events).toEqual([first.headers.get('x-request-id'), again.headers.get('x-request-id')]);
    });

    it('reports on /readyz, in /metrics and in its log when the chain is shorter than its anchor', async () => {
      await post('before-checkpoint');
      const checkpoint = (await hub.hub.audit.checkpoint())!;
      expect(readAuditAnchor(hub.auditAnchorFile).map((a) => JSON.parse(a.statement).seq)).toContain(checkpoint.seq);
      const readyz = async () => {
        const response = await fetch(`${hub.hub.url}/readyz`);
        return { status: response.status, body: await response.json() };
      };
      const gauge = async () => /^huitong_audit_chain_behind_anchor (\d+)$/m.exec(await (await fetch(`${hub.hub.url}/metrics`)).text())?.[1];
      // The body also says how the identity syncs went (identitySync): not this test's concern.
      const sync = { identitySync: expect.objectContaining({ status: 'ok' }) };
      expect(await readyz()).toEqual({
        status: 200,
        body: { status: 'ready', audit: { chain: 'ok', chainSeq: checkpoint.seq, anchorSeq: checkpoint.seq }, ...sync },
      });
      expect(await gauge()).toBe('0');
      expect(errors).toEqual([]);

      // Someone with write access to the database empties every audit table.
      for (const table of ['audit_event_record_sets', 'audit_events', 'audit_checkpoints'] as const) await hub.hub.db.deleteFrom(table as never).execute();

      expect(await readyz()).toEqual({
        status: 200,
        body: { status: 'ready', audit: { chain: 'shorter-than-anchor', chainSeq: 0, anchorSeq: checkpoint.seq }, ...sync },
      });
      expect(await gauge()).toBe(String(checkpoint.seq));
      expect(errors.map((e) => e.msg)).toContainEqual(expect.stringMatching(/^audit chain is shorter than its anchor/));
      expect(errors[0]!.obj).toMatchObject({ chainSeq: 0, anchorSeq: checkpoint.seq });
      const verified = await verifyAuditChain(hub.hub.db, { publicKey: hub.auditPublicKey, anchor: readAuditAnchor(hub.auditAnchorFile) });
      expect(verified.ok ? null : verified.broken.problem).toBe('truncated-before-anchor');
    });
  });
}
