import { defaultMergedResolver, type Subschema } from '@graphql-tools/delegate';
import {
  getNamedType,
  getNullableType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { batchDelegate } from '../delegation/prepared-delegation.js';

/** The catalogue's types that other subgraphs hand out as `{ code }` stubs, and the root field that resolves them by code. */
export const CATALOGUE_LOOKUPS = { Department: '_departmentsByCodes', ServiceItem: '_serviceItemsByCodes' } as const;

/** The key every stub carries. */
const KEY = 'code';

type ResolverMap = Record<string, Record<string, GraphQLFieldResolver<unknown, object>>>;

/**
 * Resolvers for every field through which a subgraph hands out a catalogue type as a stub — a permit's
 * department and service item, an applicant record's department, a consumer's department. Where the
 * selection asks for what only the catalogue has (a name, a category), the field asks the catalogue
 * directly: one batched lookup per selection, as stitching's type merge batches it, but without its
 * per-object merge (a plan lookup, a merge job and a merge into the stub for each of a page's objects;
 * bench/results/history.md has what that was measured to cost). A selection of the code alone is
 * answered by the stub as it is. Anything else takes stitching's own path: another selection the stub
 * answers, a stub that is not there (its error or null), and a code the catalogue does not know, so
 * those keep their stitched behaviour exactly.
 *
 * @example
 * stitchSchemas({ subschemas, resolvers: { ...catalogueStubResolvers([market, identity], catalogue), ... } });
 */
export function catalogueStubResolvers(sources: readonly Subschema[], catalogue: Subschema): ResolverMap {
  const resolvers: ResolverMap = {};
  for (const source of sources) {
    // Root fields keep stitching's proxying resolvers.
    const roots = new Set([source.schema.getQueryType(), source.schema.getMutationType(), source.schema.getSubscriptionType()]);
    for (const type of Object.values(source.schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || roots.has(type)) continue;
      for (const field of Object.values(type.getFields())) {
        // Lists of stubs are left to stitching: no hot path hands them out.
        if (!isObjectType(getNullableType(field.type))) continue;
        const typeName = getNamedType(field.type).name;
        if (!Object.hasOwn(CATALOGUE_LOOKUPS, typeName)) continue;
        const catalogueType = catalogue.schema.getType(typeName);
        if (!isObjectType(catalogueType)) continue;
        const lookup = CATALOGUE_LOOKUPS[typeName as keyof typeof CATALOGUE_LOOKUPS];
        const catalogueOnly = new Set(Object.keys(catalogueType.getFields()).filter((name) => name !== KEY));
        (resolvers[type.name] ??= {})[field.name] = stubResolver(catalogue, lookup, catalogueOnly);
      }
    }
  }
  return resolvers;
}

function stubResolver(catalogue: Subschema, lookup: string, catalogueOnly: ReadonlySet<string>): GraphQLFieldResolver<unknown, object> {
  const merged = defaultMergedResolver as GraphQLFieldResolver<unknown, object>;
  return (parent, args, context, info) => {
    const stub = (parent as Record<string, unknown> | null)?.[info.path.key as string] as { [KEY]?: unknown } | null | undefined;
    const code = stub?.[KEY];
    if (typeof code !== 'string') return merged(parent, args, context, info);
    // Only the code (a permit page's `department { code }`): the stub is the answer as it is. Stitching's
    // wrapper finds nothing missing and the field resolvers read it as a plain object, so the per-object
    // annotation and merge plan of its own path are skipped.
    if (keyOnly(info)) return stub;
    if (!selects(info, catalogueOnly)) return merged(parent, args, context, info);
    const found = batchDelegate({
      schema: catalogue,
      fieldName: lookup,
      key: code,
      argsFromKeys: codesArgs,
      returnType: info.returnType,
      context,
      info,
    });
    return found?.then((value) => value ?? merged(parent, args, context, info));
  };
}

const keyOnlyNodes = new WeakMap<FieldNode, boolean>();

/**
 * Whether the field's nodes select nothing but the key, through fragments too (kept per document node).
 * Not `__typename`: stitching's wrapper counts it missing from a stub that does not carry it and merges.
 */
function keyOnly(info: GraphQLResolveInfo): boolean {
  for (const node of info.fieldNodes) {
    let only = keyOnlyNodes.get(node);
    if (only === undefined) keyOnlyNodes.set(node, (only = onlyKey(node.selectionSet, info.fragments)));
    if (!only) return false;
  }
  return true;
}

const onlyKey = (set: SelectionSetNode | undefined, fragments: GraphQLResolveInfo['fragments']): boolean =>
  !!set?.selections.every((s) => {
    if (s.kind === Kind.FIELD) return !s.selectionSet && s.name.value === KEY;
    const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments[s.name.value];
    return !!fragment && onlyKey(fragment.selectionSet, fragments);
  });

/** The lookup's arguments, made once rather than for each stub. */
const codesArgs = (codes: readonly string[]) => ({ codes });

const selecting = new WeakMap<FieldNode, boolean>();

/** Whether any of the field's nodes selects one of `fields`, through fragments too (kept per document node). */
function selects(info: GraphQLResolveInfo, fields: ReadonlySet<string>): boolean {
  for (const node of info.fieldNodes) {
    let found = selecting.get(node);
    if (found === undefined) selecting.set(node, (found = scan(node.selectionSet, fields, info.fragments)));
    if (found) return true;
  }
  return false;
}

const scan = (set: SelectionSetNode | undefined, fields: ReadonlySet<string>, fragments: GraphQLResolveInfo['fragments']): boolean =>
  !!set?.selections.some((s) =>
    s.kind === Kind.FIELD
      ? fields.has(s.name.value)
      : scan(s.kind === Kind.INLINE_FRAGMENT ? s.selectionSet : fragments[s.name.value]?.selectionSet, fields, fragments),
  );
