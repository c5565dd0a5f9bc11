import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import manifest from './gql/persisted-documents.json';

/** One error of a GraphQL response, as the hub codes it. */
export interface HubError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

/** A response's data and its errors: the hub answers partially (a department down, a field refused). */
export interface HubResult<T> {
  data: T | null;
  errors: HubError[];
}

/** A request that got no GraphQL answer at all (network, 429, 503…), with the hub's code when it gave one. */
export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The credential and declared purpose every request carries; kept in memory and sessionStorage only. */
export interface Credentials {
  key: string | null;
  purpose: string | null;
}

const documents = manifest as Record<string, string>;

/**
 * The exact text the hub has in its trusted-documents manifest for a generated operation: sent as the
 * query, its SHA-256 is what a hub enforcing trusted documents looks up (and a hub that does not enforce
 * them runs it as any query).
 */
function documentText(document: TypedDocumentNode<unknown, unknown>): string {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  const text = hash ? documents[hash] : undefined;
  if (!text) throw new Error('operation missing from the trusted documents manifest: run npm run build:portal');
  return text;
}

/**
 * Runs one generated operation against the hub's /graphql. The key goes in the Authorization header
 * (never the URL); FORBIDDEN or DEPARTMENT_UNAVAILABLE errors come back beside the data they spared.
 *
 * @example
 * const { data, errors } = await execute(SearchOrganizationsDocument, { text: '海珠' }, { key: null, purpose: null });
 */
export async function execute<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  credentials: Credentials,
): Promise<HubResult<TData>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  if (credentials.key) headers.authorization = `Bearer ${credentials.key}`;
  if (credentials.purpose) headers['x-purpose'] = credentials.purpose;
  let response: Response;
  try {
    // The hub serves the portal at <base>/portal/ and GraphQL beside it at <base>/graphql.
    response = await fetch(`${import.meta.env.BASE_URL}../graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: documentText(document as TypedDocumentNode<unknown, unknown>), variables }),
      credentials: 'omit',
    });
  } catch {
    throw new HubRequestError('network', 'NETWORK', 0);
  }
  const body = (await response.json().catch(() => null)) as { data?: TData | null; errors?: HubError[] } | null;
  if (!body || (body.data === undefined && body.errors?.length)) {
    const first = body?.errors?.[0];
    throw new HubRequestError(first?.message ?? response.statusText, first?.extensions?.code ?? `HTTP_${response.status}`, response.status);
  }
  return { data: body.data ?? null, errors: body.errors ?? [] };
}
