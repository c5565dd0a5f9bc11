import { BadDataError, errorChain } from '../core/adapter-error.js';
import type { KindContext } from '../core/adapter-kind.js';
import { HttpStatusError } from '../core/http-json.js';
import { inMemoryPermits } from '../core/in-memory-pages.js';
import { comparePermitOrder } from '../core/permit-order.js';
import { readText } from '../core/spec-values.js';
import { applicantSourceFields, permitSourceFields, type RawRecord } from '../spec/fields.js';
import { didYouMean, type SpecIssue } from '../spec/spec-issue.js';
import { EndpointReader, START } from './endpoint-reader.js';
import { compilePath, type PathOptions } from './json-path.js';
import { restClientFor, RestSettingError, type Params, type RestClient } from './rest-client.js';
import { fieldPath, type RestEntity, type RestSpec } from './rest-spec.js';

/** Rows asked for per sample request. */
const SAMPLE = 20;

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** A request failed in a way that makes checking the rest pointless (the API cannot be reached). */
class Unreachable extends Error {
  constructor(readonly issue: SpecIssue) {
    super(issue.message);
  }
}

/**
 * Online checks of a `rest` spec, within `signal`'s deadline: the API answers; one page of each
 * endpoint reads (error envelope recognised, rows, total, the page-size parameter honoured); each
 * field's path finds values in the sample rows (with a `did you mean` from the keys the rows have);
 * `sorted` holds on the sample; the batch lookup and list filters really select. Each issue names
 * the exact spec path; no message carries the URL or a credential.
 *
 * @example
 * await inspectRestSpec(spec, context, AbortSignal.timeout(10_000));
 * // [{ path: 'permits.fields.status', message: 'no value at "statusCd" in 20 sample rows', hint: 'did you mean "statusCode"?' }]
 */
export async function inspectRestSpec(
  spec: RestSpec,
  context: Pick<KindContext, 'resolve'>,
  signal: AbortSignal,
  options: PathOptions = {},
): Promise<SpecIssue[]> {
  let client: RestClient;
  try {
    client = restClientFor(spec, context);
  } catch (error) {
    if (error instanceof RestSettingError) return [{ path: error.path, message: error.message.slice(error.path.length + 2) }];
    throw error;
  }
  const issues: SpecIssue[] = [];
  try {
    for (const entity of ['permits', 'applicants'] as const) issues.push(...(await inspectEntity(spec, entity, client, signal, options)));
  } catch (error) {
    if (error instanceof Unreachable) return [...issues, error.issue];
    throw error;
  }
  return issues;
}

async function inspectEntity(
  spec: RestSpec,
  entity: 'permits' | 'applicants',
  client: RestClient,
  signal: AbortSignal,
  options: PathOptions,
): Promise<SpecIssue[]> {
  const at: RestEntity = spec[entity];
  const fields = entity === 'permits' ? permitSourceFields(spec) : applicantSourceFields(spec);
  const reader = new EndpointReader(client, at, fields, options);
  const fixed: Params = Object.entries(at.params ?? {});
  const size = Math.min(SAMPLE, at.maxPageSize);
  const get = (params: Params) => request(() => client.get(at.endpoint, [...fixed, ...params], signal), spec, entity, signal);

  const body = await get(reader.pagingParams(START, size));
  if ('issue' in body) return [body.issue];
  const answer = body.value;
  const issues: SpecIssue[] = [];

  if (at.errors) {
    const code = compilePath(at.errors.codePath, options)(answer);
    if (code === undefined) return [missing(`${entity}.errors.codePath`, at.errors.codePath, 'value', answer)];
    if (!at.errors.okValues.map(String).includes(String(code))) {
      const text = at.errors.messagePath === undefined ? undefined : compilePath(at.errors.messagePath, options)(answer);
      return [
        {
          path: `${entity}.endpoint`,
          message: `the API answered with error code ${String(code).slice(0, 40)}${typeof text === 'string' && text ? `: ${text.slice(0, 200)}` : ''}`,
        },
      ];
    }
  }
  const list = compilePath(at.rows, options)(answer);
  if (!Array.isArray(list)) return [missing(`${entity}.rows`, at.rows, 'list', answer, Array.isArray)];
  if (at.total !== undefined) {
    const total = compilePath(at.total, options)(answer);
    if (!Number.isSafeInteger(total) || (total as number) < 0) issues.push(missing(`${entity}.total`, at.total, 'count', answer, Number.isSafeInteger));
  }
  const sizeParam = at.paging.style === 'page' ? 'size' : 'limit';
  const sizeName = at.paging[sizeParam];
  if (sizeName !== undefined && list.length > size) {
    issues.push({
      path: `${entity}.paging.${sizeParam}`,
      message: `the API sent ${list.length} rows when asked for ${size}: is "${sizeName}" its page-size parameter?`,
    });
  }
  const rows = list.filter((row): row is object => typeof row === 'object' && row !== null);
  if (rows.length < list.length) issues.push({ path: `${entity}.rows`, message: `"${at.rows}" holds values that are not objects` });
  if (rows.length === 0) return issues;

  const keys = keyPaths(rows);
  let unread = 0;
  for (const field of fields) {
    const read = compilePath(field.from, options);
    if (rows.some((row) => read(row) !== undefined)) continue;
    const hint = didYouMean(field.from, keys);
    issues.push({
      path: fieldPath(field.path, spec).join('.'),
      message: `no value at "${field.from}" in ${rows.length} sample rows`,
      ...(hint ? { hint } : {}),
    });
    unread++;
  }
  if (entity === 'permits' && unread === 0) {
    const records = rows.map((row) => reader.record(row));
    issues.push(...sortedIssues(spec, records), ...(await lookupIssues(spec, reader, records, get)), ...(await filterIssues(spec, reader, records, get)));
  }
  return issues;
}

/** `sorted: true` checked on the sample: each row at or after the one before it in list order. */
function sortedIssues(spec: RestSpec, records: readonly RawRecord[]): SpecIssue[] {
  if (!spec.permits.sorted) return [];
  const memory = inMemoryPermits(spec);
  const places = records.map((r) => memory.placeOf(r));
  for (let i = 1; i < places.length; i++) {
    const [a, b] = [places[i - 1]!, places[i]!];
    if (comparePermitOrder(a.applied, a.key, b.applied, b.key) > 0) {
      return [{ path: 'permits.sorted', message: 'is true, but the sample is not in list order (appliedAt descending, then key)' }];
    }
  }
  return [];
}

type Get = (params: Params) => Promise<{ value: unknown } | { issue: SpecIssue }>;

/** The batch lookup returns a sample permit when asked for its key. */
async function lookupIssues(spec: RestSpec, reader: EndpointReader, records: readonly RawRecord[], get: Get): Promise<SpecIssue[]> {
  const lookup = spec.permits.lookup;
  const key = records.map((r) => readText(r.key)).find((k) => k !== null);
  if (!lookup || key === undefined) return [];
  const body = await get([[lookup.param, { list: [key], separator: spec.permits.filters?.separator ?? ',' }], ...reader.pagingParams(START, 1)]);
  if ('issue' in body) return [{ ...body.issue, path: 'permits.lookup.param' }];
  // Only that permit: an API that ignores an unknown parameter answers with a page of others.
  const keys = rowsOf(reader, body.value).map((r) => readText(r.key));
  if (keys.includes(key) && keys.every((k) => k === key)) return [];
  return [{ path: 'permits.lookup.param', message: `asking for a sample permit's key by "${lookup.param}" did not return that permit alone` }];
}

/** Each list filter, asked for a value a sample row holds, returns only rows with that value. */
async function filterIssues(spec: RestSpec, reader: EndpointReader, records: readonly RawRecord[], get: Get): Promise<SpecIssue[]> {
  const filters = spec.permits.filters;
  if (!filters) return [];
  const checks = (['applicants', 'statuses', 'serviceItems'] as const).map(async (name): Promise<SpecIssue[]> => {
    const filter = filters[name];
    const field = name === 'applicants' ? 'applicant' : name === 'statuses' ? 'status' : 'serviceItem';
    const value = records.map((r) => readText(r[field])).find((v): v is string => v !== null && !v.includes(filters.separator));
    if (!filter || value === undefined || (filter.accepts !== undefined && !new RegExp(filter.accepts, 'u').test(value))) return [];
    const body = await get([[filter.param, { list: [value], separator: filters.separator }], ...reader.pagingParams(START, SAMPLE)]);
    const path = `permits.filters.${name}.param`;
    if ('issue' in body) return [{ ...body.issue, path }];
    const rows = rowsOf(reader, body.value);
    if (rows.length === 0) return [{ path, message: `filtering by "${filter.param}" on a value a sample row holds returned no rows` }];
    if (rows.some((r) => readText(r[field]) !== value))
      return [{ path, message: `the API did not filter by "${filter.param}": rows with other values came back` }];
    return [];
  });
  return (await Promise.all(checks)).flat();
}

function rowsOf(reader: EndpointReader, body: unknown): RawRecord[] {
  try {
    return reader.read(body).rows;
  } catch {
    return [];
  }
}

/** One request; a failure becomes an issue at the path it points to (the API, its credential, the endpoint). */
async function request(send: () => Promise<unknown>, spec: RestSpec, entity: string, signal: AbortSignal): Promise<{ value: unknown } | { issue: SpecIssue }> {
  try {
    return { value: await send() };
  } catch (error) {
    if (error instanceof HttpStatusError) {
      if (error.status === 401 || error.status === 403) {
        const path = spec.connection.auth ? 'connection.auth.value' : 'connection.auth';
        throw new Unreachable({
          path,
          message: `the API refused the request (HTTP ${error.status})`,
          hint: spec.connection.auth ? 'check the credential' : 'the API may need an auth header',
        });
      }
      return { issue: { path: `${entity}.endpoint`, message: `the API answered HTTP ${error.status}${error.status === 404 ? ' (no such endpoint?)' : ''}` } };
    }
    if (error instanceof BadDataError) return { issue: { path: `${entity}.endpoint`, message: 'the answer is not JSON' } };
    if (signal.aborted) throw new Unreachable({ path: 'connection.baseUrl', message: 'the API did not answer within the time limit' });
    const code = [...errorChain(error)].map((e) => (e as { code?: unknown }).code).find((c): c is string => typeof c === 'string');
    const reason = code === undefined ? '' : `: ${NETWORK_REASONS[code] ?? 'network error'} (${code})`;
    throw new Unreachable({ path: 'connection.baseUrl', message: `cannot reach the API${reason}` });
  }
}

/** No value of the kind wanted at a path of the answer, with a `did you mean` among the answer's own paths. */
function missing(path: string, expression: string, what: string, answer: unknown, wanted?: (value: unknown) => boolean): SpecIssue {
  const candidates = keyPaths([answer], wanted);
  const hint = didYouMean(expression, candidates.length > 0 ? candidates : keyPaths([answer]));
  return { path, message: `no ${what} at "${expression}" in the answer`, ...(hint ? { hint } : {}) };
}

/** The dotted key paths present in some documents (arrays by their first element, `.0`), optionally only those holding a wanted value. */
function keyPaths(documents: readonly unknown[], wanted?: (value: unknown) => boolean): string[] {
  const out = new Set<string>();
  const walk = (node: unknown, prefix: string, depth: number) => {
    if (out.size >= 1000 || depth > 5 || typeof node !== 'object' || node === null) return;
    const entries: Array<[string, unknown]> = Array.isArray(node) ? (node.length > 0 ? [['0', node[0]]] : []) : Object.entries(node);
    for (const [key, value] of entries) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (!wanted || wanted(value)) out.add(path);
      walk(value, path, depth + 1);
    }
  };
  for (const document of documents) walk(document, '', 0);
  return [...out];
}
