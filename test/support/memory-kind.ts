import { z } from 'zod';
import type { AdapterKind } from '../../src/adapters/core/adapter-kind.js';
import type { PermitQuery } from '../../src/adapters/core/contract.js';
import { comparePermitOrder } from '../../src/adapters/core/permit-order.js';
import { instantReader } from '../../src/adapters/core/spec-values.js';
import { departmentSpecSchema } from '../../src/adapters/spec/department-spec.js';
import type { RawRecord } from '../../src/adapters/spec/fields.js';

/** Test systems by name: rows keyed by the spec's source names, as a legacy store would hold them. */
export const memorySystems = new Map<string, { permits: Array<Record<string, unknown>>; applicants: Array<Record<string, unknown>>; calls: number }>();

const schema = departmentSpecSchema('memory', {
  connection: z.object({ system: z.string() }).strict(),
  permits: {},
  applicants: {},
});

/**
 * A kind over in-memory test systems: tests of the registry and hot swap register departments on it
 * without a database or a server. It reads each spec field from the record by its `from` name, filters,
 * orders and pages as the connector contract says; one "round trip" per call, counted.
 */
export const memoryKind: AdapterKind = {
  name: 'memory',
  schema,
  async open(spec) {
    const name = (spec.connection as { system: string }).system;
    const system = memorySystems.get(name);
    if (!system) throw Object.assign(new Error(`no memory system ${name}`), { code: 'ECONNREFUSED' });
    const pick = (row: Record<string, unknown>, fields: Record<string, unknown>): RawRecord => {
      const out: Record<string, unknown> = {};
      const from = (f: unknown) => (typeof f === 'string' ? f : (f as { from: string }).from);
      for (const [k, f] of Object.entries(fields)) {
        if (k === 'identifiers') (f as Array<{ value: unknown }>).forEach((id, i) => (out[`identifiers.${i}.value`] = row[from(id.value)]));
        else out[k] = row[from(f)];
      }
      return out;
    };
    const permitFields = spec.permits.fields as Record<string, unknown>;
    const applied = spec.permits.fields.appliedAt ? instantReader(spec.permits.fields.appliedAt, spec.timeZone) : () => ({ ok: true as const, value: null });
    const msOf = (r: RawRecord) => {
      const read = applied(r.appliedAt);
      return read.ok ? read.value : null;
    };
    const page = (q: PermitQuery) => {
      let rows = system.permits.map((r) => pick(r, permitFields));
      if (q.applicantLocalIds) rows = rows.filter((r) => q.applicantLocalIds!.includes(String(r.applicant)));
      if (q.rawStatusIn) rows = rows.filter((r) => q.rawStatusIn!.includes(String(r.status)));
      if (q.rawStatusNotIn) rows = rows.filter((r) => !q.rawStatusNotIn!.includes(String(r.status)));
      if (q.serviceItemCodes) rows = rows.filter((r) => q.serviceItemCodes!.includes(String(r.serviceItem)));
      if (q.appliedFrom) rows = rows.filter((r) => (msOf(r) ?? -Infinity) >= Date.parse(q.appliedFrom!));
      if (q.appliedTo) rows = rows.filter((r) => msOf(r) !== null && msOf(r)! <= Date.parse(q.appliedTo!));
      rows.sort((a, b) => comparePermitOrder(msOf(a), String(a.key), msOf(b), String(b.key)));
      const total = rows.length;
      if (q.after) {
        const afterMs = q.after.appliedAt === null ? null : Date.parse(q.after.appliedAt);
        rows = rows.filter((r) => comparePermitOrder(msOf(r), String(r.key), afterMs, q.after!.localId) > 0);
      }
      return { total, rows: rows.slice(0, q.limit) };
    };
    return {
      async listPermits(queries) {
        system.calls++;
        return queries.map(page);
      },
      async getPermits(ids) {
        system.calls++;
        return system.permits.map((r) => pick(r, permitFields)).filter((r) => ids.includes(String(r.key)));
      },
      async listApplicants(after, limit) {
        system.calls++;
        const start = after === null ? 0 : Number(after);
        const fields = spec.applicants.fields as Record<string, unknown>;
        const rows = system.applicants.slice(start, start + limit).map((r) => pick(r, fields));
        return { rows, next: start + limit < system.applicants.length ? String(start + limit) : null };
      },
    };
  },
};
