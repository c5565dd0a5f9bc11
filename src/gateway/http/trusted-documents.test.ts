import { describe, expect, it } from 'vitest';
import { parseTrustedDocuments, sha256Hex, trustDocument } from './trusted-documents.js';

const PERMITS = 'query Permits { permits(first: 5) { totalCount } }';
const DEPARTMENTS = 'query Departments { departments { code } }';

describe('trusted documents manifest', () => {
  it('reads the key-value shape of graphql-codegen, Yoga and Hive', () => {
    const docs = parseTrustedDocuments({ [sha256Hex(PERMITS)]: PERMITS, 'sha1-style-id': DEPARTMENTS });
    expect(docs.byId.get(sha256Hex(PERMITS))).toBe(PERMITS);
    expect(docs.byId.get('sha1-style-id')).toBe(DEPARTMENTS);
    expect(docs.sha256).toEqual(new Set([sha256Hex(PERMITS), sha256Hex(DEPARTMENTS)]));
  });

  it("reads Apollo's persisted query manifest", () => {
    const docs = parseTrustedDocuments({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: sha256Hex(PERMITS), body: PERMITS, name: 'Permits', type: 'query' }],
    });
    expect([...docs.byId]).toEqual([[sha256Hex(PERMITS), PERMITS]]);
  });

  it.each([
    ['an array', [PERMITS]],
    ['null', null],
    ['a non-string document', { abc: 1 }],
    ['an empty document', { abc: '  ' }],
    ['an Apollo manifest without operations', { format: 'apollo-persisted-query-manifest' }],
    ['an Apollo operation without a body', { format: 'apollo-persisted-query-manifest', operations: [{ id: 'x' }] }],
  ])('refuses %s', (_name, manifest) => {
    expect(() => parseTrustedDocuments(manifest)).toThrow(/trusted documents manifest/);
  });
});

describe('trustDocument', () => {
  const docs = parseTrustedDocuments({ [sha256Hex(PERMITS)]: PERMITS, 'named-id': DEPARTMENTS });
  const dev = { allowIntrospection: true };
  const prod = { allowIntrospection: false };

  it('runs a document named by documentId or by the persisted-query extension', () => {
    expect(trustDocument(docs, { documentId: 'named-id' }, prod)).toEqual({ trusted: true, query: DEPARTMENTS });
    expect(trustDocument(docs, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(PERMITS) } } }, prod)).toEqual({
      trusted: true,
      query: PERMITS,
    });
    expect(trustDocument(docs, { documentId: sha256Hex(PERMITS).toUpperCase() }, prod)).toEqual({ trusted: true, query: PERMITS });
  });

  it('runs a full query whose SHA-256 is in the manifest, whatever id the manifest gives it', () => {
    expect(trustDocument(docs, { query: PERMITS }, prod)).toEqual({ trusted: true, query: PERMITS });
    expect(trustDocument(docs, { query: DEPARTMENTS }, prod)).toEqual({ trusted: true, query: DEPARTMENTS });
  });

  it('refuses an unknown id with PERSISTED_QUERY_NOT_FOUND (400)', () => {
    expect(trustDocument(docs, { documentId: 'nope' }, prod)).toMatchObject({ trusted: false, code: 'PERSISTED_QUERY_NOT_FOUND', status: 400 });
    expect(trustDocument(docs, { extensions: { persistedQuery: { sha256Hash: sha256Hex('{ x }') } } }, prod)).toMatchObject({
      code: 'PERSISTED_QUERY_NOT_FOUND',
    });
  });

  it('refuses anything else with OPERATION_NOT_TRUSTED (403)', () => {
    for (const params of [
      { query: `${PERMITS} ` }, // one byte different is another document
      { query: '{ permits(first: 200) { nodes { id } } }' },
      { documentId: 'named-id', query: PERMITS }, // an id and a different query
      {},
      { query: '' },
    ]) {
      expect(trustDocument(docs, params, dev), JSON.stringify(params)).toMatchObject({ trusted: false, code: 'OPERATION_NOT_TRUSTED', status: 403 });
    }
  });

  it('lets introspection-only documents through outside production only', () => {
    const introspection = '{ __schema { queryType { name } } } ';
    expect(trustDocument(docs, { query: introspection }, dev)).toEqual({ trusted: true, query: introspection });
    expect(trustDocument(docs, { query: introspection }, prod)).toMatchObject({ trusted: false, code: 'OPERATION_NOT_TRUSTED' });
    for (const query of [
      '{ __typename departments { code } }',
      'mutation { __typename }',
      '{ __schema { x } ',
      'query A { __typename } query B { departments { code } }',
    ]) {
      expect(trustDocument(docs, { query }, dev), query).toMatchObject({ trusted: false, code: 'OPERATION_NOT_TRUSTED' });
    }
  });
});
