import { parse, printSchema, type GraphQLSchema } from 'graphql';
import type { Kysely } from 'kysely';
import type { ApplicantRecord } from '../../schema/model.js';
import type { HubDatabase } from '../../storage/index.js';
import { createGovernanceSubgraph } from '../../subgraphs/governance/index.js';
import type { ApplicantSource } from '../../subgraphs/identity/sync.js';
import { composeGateway } from '../compose/compose.js';
import { nextPhase, type PhasePause } from '../compose/compose-phases.js';
import { departmentHealth, type DepartmentHealthView } from './department-health.js';
import { inProcessEndpoint, type SubgraphEndpoint } from '../delegation/endpoints.js';
import { gatewaySdl } from '../compose/gateway-sdl.js';
import { governApplicantFilter, governResolvers, guardApplicantLookups, readFieldPolicies } from '../governance/index.js';
import type { Served } from './live-gateway.js';
import type { DepartmentSlot } from './department-slot.js';

/** Everything the hub serves that follows from one state of the registry. */
export interface HubComposition extends Served {
  /** The registry generation it was built from (set once the registry write it follows is committed). */
  generation: number;
  readonly departments: ReadonlyMap<string, DepartmentSlot>;
  /** Where the identity sync reads each served department's applicant records. */
  readonly sources: readonly ApplicantSource[];
  health(): Promise<Record<string, DepartmentHealthView>>;
}

export interface CompositionParts {
  db: Kysely<HubDatabase>;
  /** The hub-wide subgraphs every composition includes (catalogue, identity). */
  shared: readonly SubgraphEndpoint[];
  /** Sharing classes, masking and the audit trail wrapped around every governed field. */
  governed: boolean;
  /** Awaited between the phases of composing (default: a turn of the event loop); see `PhasePause`. */
  pause?: PhasePause;
}

const APPLICANT_PAGE = parse(`query ($after: String, $first: Int!) {
  _applicantRecords(after: $after, first: $first) { records { localId kind name identifiers { value claimedType } phone address } next }
}`);

/**
 * Stitches the served departments with the hub-wide subgraphs into one schema, with everything derived
 * from it — governance wrapping (from the @share directives of the SDL in use), the served SDL, the
 * identity sync's sources. Building is pure with respect to the slots: each is held by the composition
 * once built and released when it closes; a build that fails leaves them to the caller. Each phase —
 * field policies, subschemas, stitching, filtering, the guarded lookups, printing — is its own task,
 * with a turn of the event loop between them, so requests are served while a registry change composes.
 *
 * @example
 * const composition = await composeHub(1, slots, { db, shared: [catalogue, identity], governed: true });
 */
export async function composeHub(generation: number, slots: readonly DepartmentSlot[], parts: CompositionParts): Promise<HubComposition> {
  const pause = parts.pause ?? nextPhase;
  const endpoints = [...slots.map((s) => s.endpoint), ...parts.shared];
  // Every field's sharing class comes from the @share directives in the SDL that defines it.
  const policies = readFieldPolicies([...new Set(endpoints.map((e) => e.sdl)), gatewaySdl]);
  const notShared = [...policies.values()].filter((p) => p.level === 'NONE' && p.person === 'NONE').map((p) => p.coordinate);
  // Which departments provide a field is schema-wide: every department's records feed every governed type.
  const departmentCodes = slots.map((s) => s.code);
  const providers = [...policies.values()]
    .map((p) => ({ field: p.coordinate, shareLevel: p.level, personShareLevel: p.person, personal: p.personal, departments: departmentCodes }))
    .sort((a, b) => (a.field < b.field ? -1 : 1));
  endpoints.push(
    inProcessEndpoint(createGovernanceSubgraph(parts.db, { governedFields: policies.keys(), fieldProviders: () => providers, notShared }), 'service'),
  );
  await pause('policies');
  const composed = (
    await composeGateway(endpoints, {
      pause,
      ...(parts.governed ? { transformResolvers: governResolvers(policies), checkApplicantFilter: governApplicantFilter(policies) } : {}),
    })
  ).schema;
  const identity = parts.shared.find((e) => e.role === 'identity');
  let schema: GraphQLSchema = composed;
  if (parts.governed && identity) {
    schema = guardApplicantLookups(composed, policies, identity.executor);
    await pause('guard');
  }
  const sdl = printSchema(schema);
  await pause('print');
  // Held only now: the caller's slots stay live meanwhile (it swaps compositions in turn, after this).
  for (const slot of slots) slot.hold();
  const departments = new Map(slots.map((s) => [s.code, s]));
  return {
    generation,
    schema,
    sdl,
    departments,
    sources: slots.map((s) => applicantSource(s.code, s.endpoint)),
    async health() {
      const views = await Promise.all(slots.map((s) => departmentHealth(s.endpoint)));
      return Object.fromEntries(slots.map((s, i) => [s.code, views[i]!]));
    },
    async close() {
      await Promise.all(slots.map((s) => s.release()));
    },
  };
}

function applicantSource(department: string, endpoint: SubgraphEndpoint): ApplicantSource {
  return {
    department,
    async *pages() {
      let after: string | null = null;
      do {
        const result = (await endpoint.executor({ document: APPLICANT_PAGE, variables: { after, first: 500 }, context: {} })) as {
          data?: { _applicantRecords?: { records: ApplicantRecord[]; next: string | null } };
          errors?: Array<{ message: string }>;
        };
        const page = result.data?._applicantRecords;
        if (!page) throw new Error(result.errors?.[0]?.message ?? 'no applicant records');
        yield page.records;
        after = page.next;
      } while (after);
    },
  };
}
