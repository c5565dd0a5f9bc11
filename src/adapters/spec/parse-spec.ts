import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { AdapterKind } from '../core/adapter-kind.js';
import { compileDateLayout } from '../core/local-date-format.js';
import type { DepartmentSpec, FieldSource } from './department-spec.js';
import { didYouMean, SpecError, type SpecIssue } from './spec-issue.js';

/** The kinds a hub knows, by the `kind` a spec names. */
export type KindRegistry = Readonly<Record<string, AdapterKind>>;

/**
 * Reads a department spec from YAML or JSON text (JSON is YAML) and checks it offline: its shape
 * against its kind's schema, then what a schema cannot say (date formats, code maps). Throws a
 * `SpecError` listing every issue with its exact path; nothing is half-read.
 *
 * @example
 * const spec = parseSpecText(readFileSync('urban.yaml', 'utf8'), adapterKinds);
 */
export function parseSpecText(text: string, kinds: KindRegistry): DepartmentSpec {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => ({ path: '', message: `not valid YAML or JSON: ${e.message.split('\n')[0]}` }));
    throw new SpecError(codeOf(undefined), issues);
  }
  return parseSpec(doc.toJS({ maxAliasCount: 50 }), kinds);
}

/**
 * Checks an already-parsed spec object (from a file, the registry or a GraphQL mutation); see `parseSpecText`.
 */
export function parseSpec(input: unknown, kinds: KindRegistry): DepartmentSpec {
  const department = codeOf(input);
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new SpecError(department, [{ path: '', message: 'a spec is an object (a YAML mapping)' }]);
  const kindName = (input as { kind?: unknown }).kind;
  const kind = typeof kindName === 'string' && Object.hasOwn(kinds, kindName) ? kinds[kindName]! : undefined;
  if (!kind) {
    const names = Object.keys(kinds);
    const message =
      kindName === undefined ? `kind is missing: one of ${names.join(', ')}` : `unknown kind ${JSON.stringify(kindName)}: one of ${names.join(', ')}`;
    const hint = typeof kindName === 'string' ? didYouMean(kindName, names) : undefined;
    throw new SpecError(department, [{ path: 'kind', message, ...(hint ? { hint } : {}) }]);
  }
  const parsed = kind.schema.safeParse(input);
  if (!parsed.success)
    throw new SpecError(
      department,
      parsed.error.issues.flatMap((issue) => fromZodIssue(issue, kind.schema, input)),
    );
  const spec = parsed.data;
  const issues = semanticIssues(spec);
  if (issues.length > 0) throw new SpecError(department, issues);
  return spec;
}

function codeOf(input: unknown): string {
  const code = (input as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[a-z][a-z0-9-]{0,31}$/.test(code) ? code : 'spec';
}

const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const step of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, step)) return undefined;
    node = (node as Record<PropertyKey, unknown>)[step];
  }
  return node;
}

function fromZodIssue(issue: z.core.$ZodIssue, schema: unknown, input: unknown): SpecIssue[] {
  const path = pathOf(issue.path);
  if (valueAt(input, issue.path) === undefined && issue.code !== 'unrecognized_keys') return [{ path, message: 'is required' }];
  if (issue.code === 'unrecognized_keys') {
    const allowed = keysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const hint = allowed ? didYouMean(key, allowed) : undefined;
      return { path: [path, key].filter(Boolean).join('.'), message: 'unknown key', ...(hint ? { hint } : {}) };
    });
  }
  if (issue.code === 'invalid_union') {
    // A field is a string or { from, format, map }: say that, not both branches' complaints.
    const nested = issue.errors.flat();
    const deeper = nested.filter((e) => e.path.length > 0 && e.code !== 'invalid_type');
    if (deeper.length > 0) return deeper.flatMap((e) => fromZodIssue({ ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue, schema, input));
    return [{ path, message: 'expected a name, or { from, format?, map? }' }];
  }
  return [{ path, message: issue.message }];
}

/** The keys the schema allows at an issue's path, for a `did you mean`: the schema walked, not a list kept by hand. */
function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  let node: any = schema;
  for (const step of [...path, null]) {
    // Unwrap optional, default and union-of-object layers down to an object or array.
    for (let guard = 0; guard < 8 && node; guard++) {
      if (typeof node.unwrap === 'function' && !node.shape) node = node.unwrap();
      else if (Array.isArray(node.options)) node = node.options.find((o: any) => o?.shape) ?? node.options[0];
      else break;
    }
    if (step === null) return node?.shape ? Object.keys(node.shape) : undefined;
    if (node?.shape) node = node.shape[step as string];
    else if (node?.element) node = node.element;
    else if (node?.valueType) node = node.valueType;
    else return undefined;
  }
  return undefined;
}

/** What the schema cannot check: date formats compile, code maps name unified values. */
function semanticIssues(spec: DepartmentSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const dateFields = ['appliedAt', 'decidedAt', 'validUntil'] as const;
  for (const name of dateFields) {
    const field = spec.permits.fields[name];
    if (typeof field === 'object' && field.format) {
      try {
        compileDateLayout(field.format);
      } catch (error) {
        issues.push({ path: `permits.fields.${name}.format`, message: (error as Error).message });
      }
    }
  }
  const checkMap = (field: FieldSource | undefined, path: string, allowed: readonly string[]) => {
    if (typeof field !== 'object' || !field.map) return;
    for (const [code, value] of Object.entries(field.map)) {
      if (!allowed.includes(value)) {
        const hint = didYouMean(value, allowed);
        issues.push({ path: `${path}.map.${code}`, message: `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`, ...(hint ? { hint } : {}) });
      }
    }
  };
  checkMap(spec.applicants.fields.kind, 'applicants.fields.kind', ['ORGANIZATION', 'PERSON']);
  (spec.applicants.fields.identifiers ?? []).forEach((id, i) => {
    checkMap(id.typeFrom, `applicants.fields.identifiers.${i}.typeFrom`, ['USCC', 'ORG_CODE', 'RESIDENT_ID']);
    if (id.type && id.typeFrom) issues.push({ path: `applicants.fields.identifiers.${i}`, message: 'give type or typeFrom, not both' });
  });
  for (const [name, field] of Object.entries(spec.permits.fields)) {
    if (typeof field === 'object' && field.format && !(dateFields as readonly string[]).includes(name)) {
      issues.push({ path: `permits.fields.${name}.format`, message: 'only date fields (appliedAt, decidedAt, validUntil) take a format' });
    }
  }
  if (Object.keys(spec.statuses).length === 0) issues.push({ path: 'statuses', message: 'map at least one status code' });
  return issues;
}
