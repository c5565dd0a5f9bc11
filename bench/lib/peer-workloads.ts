// The peer benchmark's workloads (bench/peers.ts). A Federation gateway cannot express the hub's merged
// cross-department lists, so each workload is asked in a per-department form every gateway can answer
// and that returns the very same JSON: through Huitong's gateway, `market_permits: permits(filter: {
// departmentCodes: ["market"] })`; through a supergraph, its `market_permits`. Huitong's own merged form
// of the same question runs beside them for reference (bench/README.md#peer-gateways).
import { DEPARTMENTS } from './harness.js';
import { type Fixtures, PAGE_FILTERS } from './workloads.js';

export interface PeerWorkload {
  name: string;
  description: string;
  /** The per-department form, as Huitong's gateway is asked it. */
  hub: string[];
  /** The same through a supergraph (`market_permits`, …): the same JSON answers. */
  federation: string[];
  /** Huitong's own merged form of the question (not comparable response for response). */
  hubMerged: string[];
}

const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
/** Nested page sizes that add up to the merged form's 10, one share per department. */
const NESTED_FIRST: Record<string, number> = { market: 4, housing: 3, health: 3 };

const hubList = (code: string, first: number, filter: string) => `${code}_permits: permits(first: ${first}, filter: { departmentCodes: ["${code}"]${filter} })`;
const fedList = (code: string, first: number, filter: string) => `${code}_permits(first: ${first}${filter ? `, filter: { ${filter.slice(2)} }` : ''})`;

const PERMIT_360 = 'totalCount nodes { id title status rawStatus appliedAt validUntil department { code name } serviceItem { code name category } }';
const applicant360 = (list: typeof hubList) => `query Applicant360($id: String!) {
  applicantByIdentifier(value: $id) {
    id name kind
    identifiers { type value }
    records { department { code name } localId }
    ${DEPARTMENTS.map((code) => `${list(code, 50, '')} { ${PERMIT_360} }`).join('\n    ')}
  }
}`;

const NESTED_PERMIT = 'id title status appliedAt department { code name } serviceItem { code name category department { code name } }';
/** The outer filter is spelled per gateway: variables of the hub's PermitFilter fields or the supergraph's DepartmentPermitFilter. */
const heavyNested = (list: typeof hubList) => `query HeavyNested($appliedTo: DateTime, $statuses: [PermitStatus!]) {
  ${DEPARTMENTS.map(
    (code) => `${list(code, 10, ', appliedTo: $appliedTo, statuses: $statuses')} {
    totalCount
    nodes {
      id title department { code name }
      applicant {
        id name
        ${DEPARTMENTS.map((inner) => `${list(inner, NESTED_FIRST[inner]!, '')} { totalCount nodes { ${NESTED_PERMIT} } }`).join('\n        ')}
      }
    }
  }`,
  ).join('\n  ')}
}`;

const APPLICANT_360_MERGED = `query Applicant360($id: String!) {
  applicantByIdentifier(value: $id) {
    id name kind
    identifiers { type value }
    records { department { code name } localId }
    permits(first: 50) { ${PERMIT_360} }
  }
}`;

const HEAVY_NESTED_MERGED = `query HeavyNested($filter: PermitFilter) {
  permits(first: 30, filter: $filter) {
    totalCount
    nodes { id title department { code name } applicant { id name permits(first: 10) { totalCount nodes { ${NESTED_PERMIT} } } } }
  }
}`;

export function peerWorkloads(fixtures: Fixtures): PeerWorkload[] {
  const pageVariables = PAGE_FILTERS.map((f) => ({ appliedTo: f.appliedTo, statuses: f.statuses ?? null }));
  return [
    {
      name: 'applicant-360',
      description: 'applicantByIdentifier with identifiers, records and each department’s first 50 permits (40 rotating real applicants)',
      hub: fixtures.applicants.map((a) => body(applicant360(hubList), { id: a.identifier })),
      federation: fixtures.applicants.map((a) => body(applicant360(fedList), { id: a.identifier })),
      hubMerged: fixtures.applicants.map((a) => body(APPLICANT_360_MERGED, { id: a.identifier })),
    },
    {
      name: 'heavy-nested',
      description:
        'each department’s first 10 permits → applicant → its first 4/3/3 permits in market/housing/health → service item → department (72 rotating filters)',
      hub: pageVariables.map((v) => body(heavyNested(hubList), v)),
      federation: pageVariables.map((v) => body(heavyNested(fedList), v)),
      hubMerged: PAGE_FILTERS.map((filter) => body(HEAVY_NESTED_MERGED, { filter })),
    },
  ];
}
