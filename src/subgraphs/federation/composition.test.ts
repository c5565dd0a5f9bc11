import { composeServices } from '@theguild/federation-composition';
import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { departmentSdl } from '../department/department-sdl.js';
import { catalogueFederationSdl, departmentFederationSdl, identityFederationSdl } from './index.js';

const DEPARTMENTS = ['market', 'housing', 'health', 'city-mgmt'];
const services = () => [
  ...DEPARTMENTS.map((code) => ({ name: code, typeDefs: parse(departmentFederationSdl(code)), url: `http://127.0.0.1/${code}` })),
  { name: 'identity', typeDefs: parse(identityFederationSdl(DEPARTMENTS)), url: 'http://127.0.0.1/identity' },
  { name: 'catalogue', typeDefs: parse(catalogueFederationSdl), url: 'http://127.0.0.1/catalogue' },
];

describe('Federation v2 composition of the subgraphs', () => {
  it('composes every department, identity and the catalogue into one supergraph', () => {
    const result = composeServices(services());
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    const api = buildSchema(result.publicSdl!);
    const query = Object.keys(api.getQueryType()!.getFields()).sort();
    expect(query).toEqual(
      [
        'applicant',
        'applicantByIdentifier',
        'city_mgmt_permit',
        'city_mgmt_permits',
        'departments',
        'disclosureItems',
        'health_permit',
        'health_permits',
        'housing_permit',
        'housing_permits',
        'market_permit',
        'market_permits',
        'serviceItemStats',
        'serviceItems',
      ].sort(),
    );
    // Each department adds its own list to the shared Applicant entity; the permit links back to it.
    const applicant = api.getType('Applicant') as ReturnType<typeof api.getQueryType> & object;
    expect(Object.keys(applicant.getFields())).toEqual(
      expect.arrayContaining(['id', 'name', 'identifiers', 'records', 'market_permits', 'housing_permits', 'health_permits', 'city_mgmt_permits']),
    );
    // Each department's permits are its own type: a planner can send a permit only to the department that holds it.
    for (const type of ['MarketPermit', 'HousingPermit', 'HealthPermit', 'CityMgmtPermit']) {
      const permit = api.getType(type) as typeof applicant;
      expect(Object.keys(permit.getFields())).toEqual(expect.arrayContaining(['id', 'title', 'status', 'department', 'serviceItem', 'applicant']));
    }
    expect(api.getType('Permit')).toBeUndefined();
  });

  it('shows no protocol field, steward-only field, mutation or governance directive to a Federation gateway', () => {
    const result = composeServices(services());
    const api = result.publicSdl!;
    expect(api).not.toMatch(/\b_[a-zA-Z]/);
    expect(api).not.toMatch(/identityReviewCandidates|identityActions|identityKindReviews|mergeApplicants|type Mutation/);
    expect(api).not.toMatch(/@share\b|@constraint\b|ShareLevel/);
    // The hub's cross-department lists are the hub gateway's own: no merged `permits` in a supergraph.
    expect(buildSchema(api).getQueryType()!.getFields().permits).toBeUndefined();
  });

  it('keys the shared entities: Applicant by id, each department permit type by id, Department and ServiceItem by code', () => {
    const supergraph = composeServices(services()).supergraphSdl!;
    const keys = (type: string) => [...supergraph.matchAll(new RegExp(`type ${type}[^{]*`, 'g'))][0]![0];
    expect(keys('Applicant')).toMatch(/@join__type\(graph: IDENTITY, key: "id"\)/);
    expect(keys('Applicant')).toMatch(/@join__type\(graph: MARKET, key: "id"\)/);
    expect(keys('HousingPermit')).toMatch(/@join__type\(graph: HOUSING, key: "id"\)/);
    expect(keys('HousingPermit')).toMatch(/@join__type\(graph: IDENTITY, key: "id"\)/);
    expect(keys('HousingPermit')).not.toMatch(/graph: MARKET/);
    expect(keys('Department')).toMatch(/@join__type\(graph: CATALOGUE, key: "code"\)/);
    expect(keys('ServiceItem')).toMatch(/@join__type\(graph: CATALOGUE, key: "code"\)/);
  });

  it('would collide on root fields if departments joined with the schema they give the hub', () => {
    // Why the federated view names root fields after the department: identical schemas cannot compose.
    const naive = ['market', 'housing'].map((name) => ({
      name,
      typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n${departmentSdl}`),
    }));
    expect(composeServices(naive).errors?.length).toBeGreaterThan(0);
  });
});
