import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/gateway/http/rate-limit.js';
import { encodeGlobalId } from '../../src/schema/global-id.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

/** base64url JSON, the cursors' wire form: what an attacker reads and rewrites. */
const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

// A caller's mistakes — or a crafted request — are the caller's, never a department's: one anonymous
// caller within the rate limit cannot open any circuit breaker. Breakers do not depend on the storage
// backend: one is enough.
describe('caller errors do not open circuit breakers', () => {
  let h: DemoHub;
  const PUBLIC = { authorization: '' };
  let listCursor: { k: string; p: { f: string; p: Record<string, string | null> } };

  beforeAll(async () => {
    h = await startDemoHub(backends[0]!, { scale: 0.2, abuse: { rateLimit: DEFAULT_RATE_LIMITS } });
    const first = await h.query('{ permits(first: 30) { pageInfo { endCursor } } }', undefined, PUBLIC);
    listCursor = decode(first.data.permits.pageInfo.endCursor);
  });
  afterAll(() => h?.stop());

  /** The list cursor with every department's position replaced by one whose payload is `position`. */
  const withPositions = (position: unknown) =>
    encode({
      ...listCursor,
      p: { ...listCursor.p, p: Object.fromEntries(Object.keys(listCursor.p.p).map((d) => [d, encode({ k: 'permit-position', p: position })])) },
    });
  const withInner = (inner: Record<string, unknown>) => encode({ ...listCursor, p: { ...listCursor.p, p: inner } });

  const circuits = async () => {
    const response = await fetch(`${h.hub.url}/healthz/departments`);
    const body = (await response.json()) as { departments: Record<string, { circuit: string }> };
    return Object.fromEntries(Object.entries(body.departments).map(([code, d]) => [code, d.circuit]));
  };

  const PAGE = 'query ($after: String) { permits(first: 5, after: $after) { totalCount nodes { id } } }';
  // Built lazily: the list cursor they rewrite is read from the hub first.
  const cursorVariants: Array<[string, () => string]> = [
    ['appliedAt not an instant', () => withPositions({ appliedAt: 'not-a-date', localId: 'X' })],
    ['appliedAt a number', () => withPositions({ appliedAt: 1700000000000, localId: 'X' })],
    ['appliedAt an impossible date', () => withPositions({ appliedAt: '2023-13-45T00:00:00+08:00', localId: 'X' })],
    ['appliedAt with an impossible offset', () => withPositions({ appliedAt: '2023-01-01T00:00:00+99:00', localId: 'X' })],
    ['appliedAt a huge year', () => withPositions({ appliedAt: '+275761-01-01T00:00:00Z', localId: 'X' })],
    ['appliedAt an object', () => withPositions({ appliedAt: { $gt: '' }, localId: 'X' })],
    ['localId a number', () => withPositions({ appliedAt: '2023-01-01T00:00:00+08:00', localId: 42 })],
    ['localId missing', () => withPositions({ appliedAt: '2023-01-01T00:00:00+08:00' })],
    ['localId an array', () => withPositions({ appliedAt: null, localId: ['a', 'b'] })],
    ['localId with a control character', () => withPositions({ appliedAt: '2023-01-01T00:00:00+08:00', localId: 'A\nB\u0000' })],
    ['localId with a lone surrogate', () => withPositions({ appliedAt: '2023-01-01T00:00:00+08:00', localId: 'A\ud800' })],
    ['position null', () => withPositions(null)],
    ['position a string', () => withPositions('2023-01-01')],
    ['department position not a cursor', () => withInner({ market: 'garbage!', housing: 12, health: { appliedAt: null } })],
    ['unknown department in the cursor', () => withInner({ nowhere: null })],
    ['positions an array', () => encode({ ...listCursor, p: { ...listCursor.p, p: [1, 2, 3] } })],
  ];

  it.each(cursorVariants)('answers a cursor with %s with BAD_USER_INPUT, calling no department', async (_name, after) => {
    const calls = () => [...h.hub.adapters.values()].reduce((sum, a) => sum + a.calls.listPermits, 0);
    const before = calls();
    const body = await h.query(PAGE, { after: after() }, PUBLIC);
    expect(
      body.errors?.map((e) => e.extensions?.code),
      JSON.stringify(body),
    ).toEqual(['BAD_USER_INPUT']);
    expect(calls()).toBe(before);
  });

  it('answers crafted filters and ids with BAD_USER_INPUT, calling no department', async () => {
    const calls = () => [...h.hub.adapters.values()].reduce((sum, a) => sum + a.calls.listPermits + a.calls.getPermits, 0);
    const before = calls();
    const requests: Array<[string, Record<string, unknown>]> = [
      ['query ($c: [String!]) { permits(first: 5, filter: { serviceItemCodes: $c }) { totalCount } }', { c: ['\u0000'] }],
      ['query ($c: [String!]) { permits(first: 5, filter: { serviceItemCodes: $c }) { totalCount } }', { c: Array.from({ length: 5000 }, (_, i) => `S${i}`) }],
      ['query ($id: ID) { permits(first: 5, filter: { applicantId: $id }) { totalCount } }', { id: encodeGlobalId('Permit', 'market:1') }],
      ['query ($id: ID!) { permit(id: $id) { id } }', { id: encodeGlobalId('Permit', 'market:\u0000\n') }],
      ['query ($id: ID!) { permit(id: $id) { id } }', { id: encodeGlobalId('Permit', 'housing:') }],
    ];
    for (const [query, variables] of requests) {
      const body = await h.query(query, variables, PUBLIC);
      expect(
        body.errors?.map((e) => e.extensions?.code),
        `${query} ${JSON.stringify(body).slice(0, 300)}`,
      ).toEqual(['BAD_USER_INPUT']);
    }
    expect(calls()).toBe(before);
  });

  it('leaves every breaker closed afterwards, and a good request still succeeds', async () => {
    // Twenty more crafted requests in a row, each variant again: still well within the public's limit.
    for (const [, cursor] of [...cursorVariants, ...cursorVariants].slice(0, 20)) await h.query(PAGE, { after: cursor() }, PUBLIC);
    expect(Object.values(await circuits())).toEqual(['CLOSED', 'CLOSED', 'CLOSED']);
    const good = await h.query(PAGE, { after: encode(listCursor) }, PUBLIC);
    expect(good.errors).toBeUndefined();
    expect(good.data.permits.nodes).toHaveLength(5);
  });
});
