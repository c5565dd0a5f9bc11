// The four benchmark workloads: GraphQL documents and the variables each rotates through, taken from
// the generated data (fixtures.json), and how many department nesting levels each has (the budget of
// backend calls per request is departments × levels).

export interface Fixtures {
  applicants: Array<{ id: string; identifier: string }>;
  searchTerms: string[];
}

export interface Workload {
  name: string;
  description: string;
  /** Nesting levels that read department systems; ≤ 1 call per department per level is the target. */
  departmentLevels: number;
  /** Request bodies (JSON) the load generator rotates through. */
  bodies: string[];
}

const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });

const APPLICANT_360 = /* GraphQL */ `query Applicant360($id: String!) {
  applicantByIdentifier(value: $id) {
    id name kind
    identifiers { type value }
    records { department { code name } localId }
    permits(first: 50) {
      totalCount
      nodes { id title status rawStatus appliedAt validUntil department { code name } serviceItem { code name category } }
    }
  }
}`;

const PERMIT_PAGE = /* GraphQL */ `query PermitPage($filter: PermitFilter) {
  permits(first: 200, filter: $filter) {
    totalCount
    pageInfo { hasNextPage }
    nodes { id title status appliedAt department { code } applicant { id name kind } serviceItem { code name category } }
  }
}`;

const HEAVY_NESTED = /* GraphQL */ `query HeavyNested($filter: PermitFilter) {
  permits(first: 30, filter: $filter) {
    totalCount
    nodes {
      id title department { code name }
      applicant {
        id name
        permits(first: 10) {
          totalCount
          nodes { id title status appliedAt department { code name } serviceItem { code name category department { code name } } }
        }
      }
    }
  }
}`;

const DISCLOSURE_SEARCH = /* GraphQL */ `query DisclosureSearch($search: String!) {
  disclosureItems(first: 20, filter: { search: $search }) {
    totalCount
    nodes { id title category publishedAt mode publisher { code name } }
  }
}`;

/**
 * Page filters the list workloads rotate through: 72 distinct requests (month-end cut-offs over three
 * years, with and without a status filter). Distinct on purpose — the HTTP executor the gateway uses
 * for subgraphs deduplicates identical in-flight requests, which a handful of repeated bodies under
 * concurrency would turn into an advantage real traffic does not give.
 */
export const PAGE_FILTERS: Array<Record<string, unknown>> = [];
for (let m = 0; m < 36; m++) {
  const year = 2022 + Math.floor(m / 12);
  const month = (m % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const appliedTo = `${year}-${String(month).padStart(2, '0')}-${String(last).padStart(2, '0')}T23:59:59+08:00`;
  PAGE_FILTERS.push({ appliedTo }, { appliedTo, statuses: ['APPROVED'] });
}

export function workloads(fixtures: Fixtures): Workload[] {
  return [
    {
      name: 'applicant-360',
      description: 'applicantByIdentifier with identifiers, records and 50 permits from every department (rotating real applicants)',
      departmentLevels: 1,
      bodies: fixtures.applicants.map((a) => body(APPLICANT_360, { id: a.identifier })),
    },
    {
      name: 'permit-page-200',
      description: 'permits(first: 200) with applicant and service item (72 rotating filters)',
      departmentLevels: 1,
      bodies: PAGE_FILTERS.map((filter) => body(PERMIT_PAGE, { filter })),
    },
    {
      name: 'heavy-nested',
      description: 'permits(30) → applicant → permits(10) → serviceItem → department',
      departmentLevels: 2,
      bodies: PAGE_FILTERS.map((filter) => body(HEAVY_NESTED, { filter })),
    },
    {
      name: 'disclosure-search',
      description: 'disclosureItems(first: 20, filter: { search }) (rotating terms)',
      departmentLevels: 0,
      bodies: fixtures.searchTerms.map((search) => body(DISCLOSURE_SEARCH, { search })),
    },
  ];
}
