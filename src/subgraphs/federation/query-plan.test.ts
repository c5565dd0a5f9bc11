import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { type PlanNode, QueryPlanner } from '@apollo/query-planner';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { catalogueFederationSdl, departmentFederationSdl, identityFederationSdl } from './index.js';

// What Apollo's query planner (the one in @apollo/gateway 2.14) makes of the supergraph: each subgraph
// must be asked only what it can answer.
const DEPARTMENTS = ['market', 'housing', 'health'];
const supergraphSdl = composeServices([
  ...DEPARTMENTS.map((code) => ({ name: code, typeDefs: parse(departmentFederationSdl(code)), url: `http://127.0.0.1/${code}` })),
  { name: 'identity', typeDefs: parse(identityFederationSdl(DEPARTMENTS)), url: 'http://127.0.0.1/identity' },
  { name: 'catalogue', typeDefs: parse(catalogueFederationSdl), url: 'http://127.0.0.1/catalogue' },
]).supergraphSdl!;

interface Fetch {
  service: string;
  path: string;
  operation: string;
}

/** Every fetch of a plan with the response path it applies to. */
function fetches(node: PlanNode | undefined, path = ''): Fetch[] {
  if (!node) return [];
  switch (node.kind) {
    case 'Fetch':
      return [{ service: node.serviceName, path, operation: node.operation }];
    case 'Flatten':
      return fetches(node.node, node.path.join('.'));
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap((n) => fetches(n, path));
    default:
      return [];
  }
}

const plan = (query: string) => {
  const supergraph = Supergraph.build(supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const root = planner.buildQueryPlan(operationFromDocument(supergraph.schema, parse(query))).node;
  return root?.kind === 'Subscription' ? [] : fetches(root);
};

describe('query plans over the supergraph', () => {
  it("sends each department's permits only to that department, and their applicants to identity", () => {
    const steps = plan(`{ ${DEPARTMENTS.map((d) => `${d}_permits(first: 2) { nodes { id title applicant { id name } } }`).join(' ')} }`);
    for (const department of DEPARTMENTS) {
      const under = steps.filter((s) => s.path.startsWith(`${department}_permits`));
      expect(under.map((s) => s.service).sort()).toEqual(['identity']);
      // The key the identity subgraph needs comes from the department's own fetch.
      const own = steps.find((s) => s.service === department && s.path === '')!;
      expect(own.operation).toContain('_applicantKey');
    }
  });

  it("asks each department for an applicant's permits there, with the record keys from identity", () => {
    const steps = plan(
      `{ applicant(id: "x") { name ${DEPARTMENTS.map((d) => `${d}_permits(first: 5) { totalCount nodes { id department { name } } }`).join(' ')} } }`,
    );
    expect(steps[0]).toMatchObject({ service: 'identity', path: '' });
    expect(steps[0]!.operation).toContain('_recordKeys');
    for (const department of DEPARTMENTS) expect(steps.some((s) => s.service === department && s.path === 'applicant')).toBe(true);
    // Department names come from the catalogue, never from another department.
    expect(new Set(steps.filter((s) => s.path.includes('department')).map((s) => s.service))).toEqual(new Set(['catalogue']));
  });
});
