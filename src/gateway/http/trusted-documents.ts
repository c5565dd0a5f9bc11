import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

/**
 * The operations a trusted-documents hub runs: its persisted-operations manifest, by the id clients send
 * and by the SHA-256 of each document's text.
 */
export interface TrustedDocuments {
  /** Document text by the id the manifest gives it (a hash for the usual tools). */
  byId: ReadonlyMap<string, string>;
  /** Lower-case hex SHA-256 of every trusted document's exact text. */
  sha256: ReadonlySet<string>;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Reads a persisted-operations manifest in either common shape: a JSON object `{ "<id>": "<document>" }`
 * (graphql-codegen's client preset, GraphQL Yoga and Hive), or Apollo's
 * `{ "format": "apollo-persisted-query-manifest", "operations": [{ "id", "body", "name", "type" }] }`.
 * Anything else is refused with a message that says what was expected.
 *
 * @example
 * const docs = parseTrustedDocuments({ 'a3f…': 'query Permits { permits(first: 5) { totalCount } }' });
 * docs.byId.get('a3f…'); // the document text
 */
export function parseTrustedDocuments(manifest: unknown): TrustedDocuments {
  const byId = new Map<string, string>();
  const add = (id: unknown, body: unknown, where: string) => {
    if (typeof id !== 'string' || id === '' || typeof body !== 'string' || body.trim() === '') {
      throw new Error(`trusted documents manifest: ${where} needs a non-empty string id and document`);
    }
    byId.set(id, body);
  };
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new Error('trusted documents manifest must be a JSON object: { "<id>": "<document>" } or an Apollo persisted query manifest');
  }
  const record = manifest as Record<string, unknown>;
  if (record.format === 'apollo-persisted-query-manifest') {
    if (!Array.isArray(record.operations)) throw new Error('trusted documents manifest: an Apollo manifest needs an "operations" array');
    record.operations.forEach((op: unknown, i) => {
      const { id, body } = (typeof op === 'object' && op !== null ? op : {}) as { id?: unknown; body?: unknown };
      add(id, body, `operations[${i}]`);
    });
  } else {
    for (const [id, body] of Object.entries(record)) add(id, body, `entry "${id}"`);
  }
  return { byId, sha256: new Set([...byId.values()].map(sha256Hex)) };
}

/**
 * Reads a manifest file (see {@link parseTrustedDocuments}).
 *
 * @example
 * const docs = readTrustedDocuments('persisted-documents.json');
 */
export function readTrustedDocuments(file: string): TrustedDocuments {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the trusted documents manifest ${file}: ${(error as Error).message}`);
  }
  return parseTrustedDocuments(json);
}

/** The GraphQL parameters of one request that decide which document runs. */
export interface DocumentParams {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export type TrustDecision =
  /** Run this document text (the request's own, or the manifest's for the id it sent). */
  { trusted: true; query: string } | { trusted: false; code: 'PERSISTED_QUERY_NOT_FOUND' | 'OPERATION_NOT_TRUSTED'; status: 400 | 403; message: string };

/**
 * Decides whether a request's operation may run under trusted documents. A request may send
 * `documentId` (the GraphQL over HTTP convention) or Apollo's `extensions.persistedQuery.sha256Hash`
 * without a query, or a full query whose SHA-256 is in the manifest. An unknown id is
 * PERSISTED_QUERY_NOT_FOUND (400); a document that is not in the manifest is OPERATION_NOT_TRUSTED (403).
 * `allowIntrospection` lets documents made only of `__schema`/`__type`/`__typename` through, so the IDE
 * can load the schema outside production.
 *
 * @example
 * const decision = trustDocument(docs, { documentId: 'a3f…' }, { allowIntrospection: false });
 * if (decision.trusted) body.query = decision.query;
 */
export function trustDocument(docs: TrustedDocuments, params: DocumentParams, options: { allowIntrospection: boolean }): TrustDecision {
  const persisted = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery?.sha256Hash;
  const id = typeof params.documentId === 'string' ? params.documentId : typeof persisted === 'string' ? persisted : undefined;
  const query = typeof params.query === 'string' && params.query !== '' ? params.query : undefined;
  // The usual tools key by a lower-case hash; clients that print upper case still mean the same one.
  const lookup = (key: string) => docs.byId.get(key) ?? docs.byId.get(key.toLowerCase());
  if (query === undefined) {
    if (id === undefined) return notTrusted('send a documentId from the trusted documents manifest');
    const text = lookup(id);
    if (text === undefined) return { trusted: false, code: 'PERSISTED_QUERY_NOT_FOUND', status: 400, message: 'no trusted document has this id' };
    return { trusted: true, query: text };
  }
  // A full query is judged by its own text; an id sent along must not name another document.
  const named = typeof params.documentId === 'string' ? lookup(params.documentId) : undefined;
  if (named !== undefined && named !== query) return notTrusted('the query sent is not the trusted document its id names');
  if (docs.sha256.has(sha256Hex(query))) return { trusted: true, query };
  if (options.allowIntrospection && isIntrospectionOnly(query)) return { trusted: true, query };
  return notTrusted('only operations from the trusted documents manifest run here');
}

const notTrusted = (message: string): TrustDecision => ({ trusted: false, code: 'OPERATION_NOT_TRUSTED', status: 403, message });

/** True when every operation of the document selects only introspection fields at its root. */
function isIntrospectionOnly(query: string): boolean {
  let document;
  try {
    document = parse(query, { noLocation: true, maxTokens: 5000 });
  } catch {
    return false;
  }
  let operations = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) continue;
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== 'query') return false;
    operations++;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || !selection.name.value.startsWith('__')) return false;
    }
  }
  return operations > 0;
}
