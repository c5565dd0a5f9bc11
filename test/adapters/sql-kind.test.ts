import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KindContext } from '../../src/adapters/core/adapter-kind.js';
import { defineAdapterConformanceSuite } from '../../src/adapters/core/conformance-suite.js';
import type { Connector, PermitPosition, PermitQuery } from '../../src/adapters/core/contract.js';
import { claimedTypeFromText } from '../../src/adapters/core/mapping-helpers.js';
import { compareCodePoints } from '../../src/adapters/core/permit-order.js';
import { silentLogger } from '../../src/adapters/core/logger.js';
import { specMapper } from '../../src/adapters/core/spec-mapper.js';
import { adapterKinds } from '../../src/adapters/kinds.js';
import type { RawRecord } from '../../src/adapters/spec/fields.js';
import { parseSpecText } from '../../src/adapters/spec/parse-spec.js';
import { resolveValue } from '../../src/adapters/spec/secrets.js';
import { formatIssue, SpecError } from '../../src/adapters/spec/spec-issue.js';
import { inspectSql, openSqlConnector, openSqlDatabase, type SqlSpec } from '../../src/adapters/sql/index.js';
import { generateDemoDistrict, writeMarket, type DemoDistrict } from '../../src/demo/generate/index.js';
import type { ApplicantRecord, UnifiedPermit } from '../../src/schema/model.js';
import { loadMarketIntoMariadb, MARIADB_MARKET_SPEC } from '../support/market-mariadb.js';
import { legacyBackends, mariadbUrl, type LegacyBackend, type LegacyDatabase } from '../support/sql-databases.js';

const district = generateDemoDistrict({ seed: 11, scale: 0.2 });
const MARKET_YAML = readFileSync(resolve(import.meta.dirname, '../../src/demo/specs/market.yaml'), 'utf8');
const signal = () => ({ signal: new AbortController().signal });

const contextWith = (env: Record<string, string>): KindContext => ({ resolve: (v) => resolveValue(v, { env }), dataDir: '/nonexistent', logger: silentLogger });

/** The demo market department on a backend: the demo's own tables on PostgreSQL/PGlite, another vendor's layout on MariaDB. */
interface MarketOn {
  spec: SqlSpec;
  context: KindContext;
  database: LegacyDatabase;
}

async function marketOn(backend: LegacyBackend): Promise<MarketOn> {
  const database = await backend.fresh();
  if (backend.name === 'mariadb') {
    await loadMarketIntoMariadb(database.db, district);
    await database.release();
    return { spec: parseSpecText(MARIADB_MARKET_SPEC, adapterKinds) as SqlSpec, context: contextWith({ MARKET_MARIADB_URL: database.url }), database };
  }
  await writeMarket(database.db, district);
  await database.release();
  return { spec: parseSpecText(MARKET_YAML, adapterKinds) as SqlSpec, context: contextWith({ HUITONG_MARKET_DB_URL: database.url }), database };
}

if (!mariadbUrl) {
  if (process.env.CI) throw new Error('CI runs the sql kind on MariaDB: MARIADB_URL must be set (see .ci/run)');
  describe('sql kind on MariaDB', () => {
    it.todo('not run: set MARIADB_URL (an account that may create databases) to run the sql kind suites on MariaDB');
  });
}

for (const backend of legacyBackends) {
  defineAdapterConformanceSuite(`sql kind, demo market spec, on ${backend.name}`, async () => {
    const market = await marketOn(backend);
    let statements = 0;
    const connector = await openSqlConnector(market.spec, market.context, { onStatement: () => statements++ });
    return {
      adapter: { connector, mapper: specMapper(market.spec) },
      backendCalls: () => statements,
      close: async () => {
        await connector.close();
        await market.database.drop();
      },
    };
  });

  describe(`sql kind on ${backend.name}`, () => {
    let market: MarketOn;
    let connector: Connector<RawRecord, RawRecord>;
    let statements = 0;
    beforeAll(async () => {
      market = await marketOn(backend);
      connector = await openSqlConnector(market.spec, market.context, { onStatement: () => statements++ });
    });
    afterAll(async () => {
      await connector?.close?.();
      await market?.database.drop();
    });

    it('yields the demo generator’s permits and applicants, mapped as the unified schema says', async () => {
      const mapper = specMapper(market.spec);
      const permits: UnifiedPermit[] = [];
      let after: PermitPosition | undefined;
      for (;;) {
        const [page] = await connector.listPermits([{ limit: 150, ...(after ? { after } : {}) }], signal());
        for (const raw of page!.rows) {
          const mapped = mapper.permit(raw);
          if (!mapped.ok) throw new Error(`${mapped.localId}: ${mapped.reason}`);
          permits.push(mapped.value);
        }
        if (page!.rows.length < 150) break;
        after = { appliedAt: permits.at(-1)!.appliedAt, localId: permits.at(-1)!.localId };
      }
      const expected = district.market.permits.map(expectedPermit);
      expect(permits).toEqual(expected.sort(byListOrder));

      const applicants: ApplicantRecord[] = [];
      let token: string | null = null;
      do {
        const page = await connector.listApplicants(token, 40, signal());
        for (const raw of page.rows) {
          const mapped = mapper.applicant(raw);
          if (!mapped.ok) throw new Error(`${mapped.localId}: ${mapped.reason}`);
          applicants.push(mapped.value);
        }
        token = page.next;
      } while (token !== null);
      const byId = (a: { localId: string }, b: { localId: string }) => compareCodePoints(a.localId, b.localId);
      expect(applicants.sort(byId)).toEqual(district.market.applicants.map(expectedApplicant).sort(byId));
      const truth = district.truth.filter((t) => t.department === 'market').map((t) => t.localApplicantId);
      expect(new Set(applicants.map((a) => a.localId))).toEqual(new Set(truth));
    });

    it('compares filter values as the column’s type: a non-numeric id for an integer column matches nothing', async () => {
      const before = statements;
      const [page] = await connector.listPermits([{ limit: 5, applicantLocalIds: ['abc', '1e3', '010001', "1' or '1'='1"] }], signal());
      expect(page).toEqual({ total: 0, rows: [] });
      const known = String(district.market.permits[0]!.sqrid);
      const [found] = await connector.listPermits([{ limit: 500, applicantLocalIds: ['abc', known] }], signal());
      expect(found!.total).toBe(district.market.permits.filter((p) => String(p.sqrid) === known).length);
      expect(statements - before).toBe(2);
      expect(await connector.getPermits(["x' or 1=1 --", 'NO-SUCH'], signal())).toEqual([]);
    });

    it('filters on status codes (UNKNOWN = none of the known codes, blanks included) in SQL', async () => {
      const [known, unknown] = await connector.listPermits(
        [
          { limit: 1000, rawStatusIn: ['04', '05'] },
          { limit: 1000, rawStatusNotIn: ['01', '02', '03', '04', '05', '06', '07', '08'] },
        ],
        signal(),
      );
      expect(known!.total).toBe(district.market.permits.filter((p) => p.ztdm === '04' || p.ztdm === '05').length);
      expect(unknown!.total).toBe(district.market.permits.filter((p) => p.ztdm === '99').length);
      expect(unknown!.total).toBeGreaterThan(0);
    });

    it('opens read-only: a write through its connections fails, on every pooled connection', async () => {
      const database = await openSqlDatabase(market.context.resolve(market.spec.connection.url), { timeZone: 'Asia/Shanghai' });
      try {
        const table = sql.id(market.spec.permits.table);
        const writes = Array.from({ length: 4 }, () => sql`delete from ${table}`.execute(database.db).then(() => 'written', (error: { code?: unknown; errno?: unknown }) => String(error.code ?? error.errno)));
        const outcomes = await Promise.all(writes);
        // 25006: read_only_sql_transaction; MariaDB: ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION.
        expect(new Set(outcomes)).toEqual(new Set([backend.name === 'mariadb' ? 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' : '25006']));
      } finally {
        await database.close();
      }
      const [page] = await connector.listPermits([{ limit: 1 }], signal());
      expect(page!.total).toBe(district.market.permits.length);
    });

    it('inspect() accepts the spec, and names a wrong table or column at its path with the near name', async () => {
      const timeout = () => AbortSignal.timeout(10_000);
      expect(await inspectSql(market.spec, market.context, timeout())).toEqual([]);
      const { permits, applicants } = market.spec;
      const statusColumn = permits.fields.status as string;
      const nameColumn = applicants.fields.name as string;
      const wrong: SqlSpec = {
        ...market.spec,
        permits: { ...permits, fields: { ...permits.fields, status: statusColumn.slice(0, -1) } },
        applicants: { ...applicants, table: `${applicants.table}s`, fields: { ...applicants.fields, name: `${nameColumn}x` } },
      };
      const issues = (await inspectSql(wrong, market.context, timeout())).map((i) => formatIssue('market', i));
      expect(issues).toEqual([
        `market.permits.fields.status: no column "${statusColumn.slice(0, -1)}" in table ${permits.table} (did you mean "${statusColumn}"?)`,
        `market.applicants.table: no table or view "${applicants.table}s" (did you mean "${applicants.table}"?)`,
      ]);
      // open() refuses the same spec with the same issues, rather than failing on every call later.
      await expect(openSqlConnector(wrong, market.context)).rejects.toThrow(SpecError);
    });
  });
}

/** The demo's status codes (zt_dm) against the unified statuses, as the market spec declares them. */
const MARKET_STATUSES: Record<string, UnifiedPermit['status']> = {
  '01': 'SUBMITTED',
  '02': 'ACCEPTED',
  '03': 'UNDER_REVIEW',
  '04': 'APPROVED',
  '05': 'REJECTED',
  '06': 'WITHDRAWN',
  '07': 'REVOKED',
  '08': 'EXPIRED',
};

function expectedPermit(p: DemoDistrict['market']['permits'][number]): UnifiedPermit {
  const iso = (local: string | null) => (local === null ? null : `${local.replace(' ', 'T')}+08:00`);
  return {
    localId: p.sqbh,
    applicantLocalId: String(p.sqrid),
    serviceItemCode: p.sxbm,
    title: p.xkmc,
    status: MARKET_STATUSES[p.ztdm] ?? 'UNKNOWN',
    rawStatus: p.ztdm,
    appliedAt: iso(p.slrq),
    decidedAt: iso(p.jdrq),
    validUntil: p.yxqz,
    statutoryDays: p.fdsx,
    committedDays: p.cnsx,
    actualDays: p.sjys,
  };
}

function expectedApplicant(a: DemoDistrict['market']['applicants'][number]): ApplicantRecord {
  const text = (v: string | null) => (v === null || v.trim() === '' ? null : v.trim());
  const identifiers: ApplicantRecord['identifiers'] = [];
  if (text(a.tyshxydm)) identifiers.push({ value: text(a.tyshxydm)!, claimedType: 'USCC' });
  if (text(a.zjhm)) identifiers.push({ value: text(a.zjhm)!, claimedType: claimedTypeFromText(a.zjlx) });
  return {
    localId: String(a.sqrid),
    kind: a.sqrlx === '1' ? 'ORGANIZATION' : a.sqrlx === '2' ? 'PERSON' : null,
    name: a.qymc.trim(),
    identifiers,
    phone: text(a.lxdh),
    address: text(a.dz),
  };
}

function byListOrder(a: UnifiedPermit, b: UnifiedPermit): number {
  if (a.appliedAt !== b.appliedAt) {
    if (a.appliedAt === null) return 1;
    if (b.appliedAt === null) return -1;
    return Date.parse(b.appliedAt) - Date.parse(a.appliedAt) || compareCodePoints(a.localId, b.localId);
  }
  return compareCodePoints(a.localId, b.localId);
}

// Keep the linter quiet about helpers used only by later blocks.
export type { PermitQuery, Server };
export { createServer };
