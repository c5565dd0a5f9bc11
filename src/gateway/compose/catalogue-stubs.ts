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
    const answer = answerOf(info, catalogueOnly);
    // Only the code (a permit page's `department { code }`): the stub is the answer as it is. Stitching's
    // wrapper finds nothing missing and the field resolvers read it as a plain object, so the per-object
    // annotation and merge plan of its own path are skipped.
    if (answer === 'stub') return stub;
    if (answer === 'stitching') return merged(parent, args, context, info);
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

/** The lookup's arguments, made once rather than for each stub. */
const codesArgs = (codes: readonly string[]) => ({ codes });

/**
 * What answers a stub field's selection: the stub itself (the key alone), stitching's own path (anything
 * else the stub may answer, `__typename` included: stitching's wrapper counts it missing from a stub and
 * merges), or the catalogue (a field only it has, such as a name).
 */
type StubAnswer = 'stub' | 'stitching' | 'catalogue';

const answers = new WeakMap<FieldNode, StubAnswer>();

/** The answer for all of the field's nodes, each read through its fragments once (kept per document node). */
function answerOf(info: GraphQLResolveInfo, catalogueOnly: ReadonlySet<string>): StubAnswer {
  let answer: StubAnswer = 'stub';
  for (const node of info.fieldNodes) {
    let own = answers.get(node);
    if (own === undefined) answers.set(node, (own = classify(node.selectionSet, catalogueOnly, info.fragments)));
    if (own === 'catalogue') return own;
    if (own === 'stitching') answer = own;
  }
  return answer;
}

function classify(set: SelectionSetNode | undefined, catalogueOnly: ReadonlySet<string>, fragments: GraphQLResolveInfo['fragments']): StubAnswer {
  let answer: StubAnswer = set ? 'stub' : 'stitching';
  for (const s of set?.selections ?? []) {
    let own: StubAnswer;
    if (s.kind === Kind.FIELD) own = catalogueOnly.has(s.name.value) ? 'catalogue' : s.name.value === KEY && !s.selectionSet ? 'stub' : 'stitching';
    else {
      const fragment = s.kind === Kind.INLINE_FRAGMENT ? s : fragments[s.name.value];
      own = fragment ? classify(fragment.selectionSet, catalogueOnly, fragments) : 'stitching';
    }
    if (own === 'catalogue') return own;
    if (own === 'stitching') answer = own;
  }
  return answer;
}
