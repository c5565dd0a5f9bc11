import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeAdapter } from '../../adapters/core/runtime-adapter.js';
import { openDatabase, type Database, type HubDatabase } from '../../storage/index.js';
import { createCatalogueSubgraph } from '../../subgraphs/catalogue/catalogue-subgraph.js';
import { createDepartmentSubgraph } from '../../subgraphs/department/department-subgraph.js';
import { createIdentitySubgraph } from '../../subgraphs/identity/identity-subgraph.js';
import { inProcessEndpoint } from '../delegation/endpoints.js';
import { DepartmentSlot } from './department-slot.js';
import { composeHub, type CompositionParts } from './hub-composition.js';

// Composing is split into phases with a turn of the event loop between them, so a registry change that
// stitches many departments does not hold every request (and health check) for the whole build.
let database: Database<HubDatabase>;
let parts: CompositionParts;
const idle = async () => [];
const slot = (code: string) => {
  const adapter = new RuntimeAdapter(code, {
    connector: { listPermits: idle, getPermits: idle, listApplicants: async () => ({ rows: [], next: null }) },
    mapper: { statusCodes: {}, permit: () => ({ ok: false, localId: '', reason: '' }), applicant: () => ({ ok: false, localId: '', reason: '' }) },
  });
  return new DepartmentSlot(code, code, inProcessEndpoint(createDepartmentSubgraph(adapter), 'department'), adapter);
};

beforeAll(async () => {
  // Nothing is queried: the subgraphs only need a database to be built over.
  database = await openDatabase<HubDatabase>({ memory: true });
  parts = {
    db: database.db,
    shared: [inProcessEndpoint(createCatalogueSubgraph(database.db), 'catalogue'), inProcessEndpoint(createIdentitySubgraph(database.db), 'identity')],
    governed: true,
  };
});
afterAll(async () => {
  await database?.close();
});

describe('composeHub', () => {
  it('pauses after each phase: policies, subschemas, stitching, filtering, the guarded lookups, printing', async () => {
    const phases: string[] = [];
    const composition = await composeHub(1, [slot('a'), slot('b')], { ...parts, pause: async (phase) => void phases.push(phase) });
    expect(phases).toEqual(['policies', 'subschemas', 'stitch', 'filter', 'guard', 'print']);
    expect(composition.sdl).toContain('permits(');
    await composition.close();
  });

  it('lets the event loop turn between phases by default', async () => {
    let turns = 0;
    let composing = true;
    // A callback queued for every turn of the loop, as an incoming request's I/O would be.
    const tick = () => {
      turns++;
      if (composing) setImmediate(tick);
    };
    setImmediate(tick);
    const composition = await composeHub(1, [slot('a'), slot('b'), slot('c')], parts);
    composing = false;
    expect(turns).toBeGreaterThanOrEqual(5);
    await composition.close();
  });
});
