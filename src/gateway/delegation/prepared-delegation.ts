import { phasesOf } from '../../subgraphs/phase-context.js';
import { batchDelegateToSchema } from '@graphql-tools/batch-delegate';
import DataLoader from 'dataloader';
import {
  createRequest,
  delegateToSchema,
  getCoercedVariableValues,
  Transformer,
  type DelegationContext,
  type StitchingInfo,
  type Subschema,
  type SubschemaConfig,
} from '@graphql-tools/delegate';
import { pathToArray, relocatedError, type ExecutionRequest, type ExecutionResult } from '@graphql-tools/utils';
import {
  getNamedType,
  GraphQLError,
  GraphQLList,
  Kind,
  OperationTypeNode,
  print,
  visit,
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Whether the prepared paths below are taken (the default). `HUITONG_PREPARED_DELEGATION=off` sends every
 * delegation through graphql-tools' public `delegateToSchema` / `batchDelegateToSchema` and leaves merge
 * plans as graphql-tools builds them: the suites run both ways, so the fast path can change nothing but speed.
 */
export const preparedDelegation = process.env.HUITONG_PREPARED_DELEGATION !== 'off';

/**
 * What `delegateToSchema` needs, for a subschema whose executor runs in this process. Stitching asks a
 * subschema with these options; `delegate` gives the same answer with the subgraph document planned once.
 */
export interface DelegateOptions {
  schema: Subschema;
  /** Only queries are prepared; a mutation (default: query) takes stitching's own path. */
  operation?: OperationTypeNode;
  fieldName: string;
  returnType: GraphQLOutputType;
  context: object;
  info: GraphQLResolveInfo;
  /** The selection to send; by default the selections of `info.fieldNodes`. */
  selectionSet?: SelectionSetNode | undefined;
  args?: Record<string, unknown> | undefined;
  rootValue?: unknown;
  skipTypeMerging?: boolean;
  onLocatedError?: (error: GraphQLError) => GraphQLError;
}

/** A processed subgraph document and what a later request must know to reuse it. */
interface Plan {
  document: DocumentNode;
  /** Variables the processed document declares; their values are picked from each request's own. */
  variableNames: string[];
  /** Whether the processing renamed overlapping aliases (their results are renamed back). */
  overlappingAliases: boolean;
}

type Cache<V> = WeakMap<object, V>;
const nested = <V>(cache: Cache<V>, key: object, create: () => V): V => {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = create()));
  return value;
};

/**
 * By subschema, then selection (the selection set, or the first field node), then the field node that
 * carries arguments and directives, then operation (its variable definitions and fragments are in the
 * document): processed plans by root field, return type and shape of the raw request. null: not reusable.
 */
const plans: Cache<Cache<Cache<Cache<Map<string, Plan | null>>>>> = new WeakMap();
const MAX_SHAPES = 32;

/**
 * `delegateToSchema` for a subschema executed in this process, with the subgraph document processed once
 * and reused. graphql-tools rebuilds and re-walks the document of every delegation (`createRequest`, then
 * the `Transformer`: type-aware visits that expand fragments and drop what the subgraph does not own) on
 * every request; here that processing runs once per (selection, operation, shape) and later requests only
 * pick their variable values. The result goes through the same `Transformer`, so errors, external objects
 * and type merging behave as with `delegateToSchema`. Requests that cannot be reused — subschema
 * transforms, batched executors, `override` merges, literal arguments — take `delegateToSchema` itself.
 *
 * @example
 * // A root field of the identity subgraph, as stitching's proxying resolver would delegate it:
 * delegate({ schema: identity, fieldName: info.fieldName, returnType: info.returnType, args, context, info });
 */
export function delegate(options: DelegateOptions): unknown {
  const { schema, fieldName, info, context } = options;
  const stitchingInfo = info.schema.extensions?.['stitchingInfo'] as StitchingInfo | undefined;
  const config = (stitchingInfo?.subschemaMap.get(schema) ?? schema) as Subschema;
  if (!preparedDelegation || !preparable(config) || (options.operation ?? OperationTypeNode.QUERY) !== OperationTypeNode.QUERY) return fallback(options);
  const phases = phasesOf(context);
  const planningStart = phases ? performance.now() : 0;

  const transformedSchema = schema.transformedSchema;
  const rootFields = transformedSchema.getQueryType()?.getFields();
  const fieldNodes = info.fieldNodes;
  const rootValue = options.rootValue ?? (schema as { rootValue?: unknown }).rootValue ?? info.rootValue;
  const raw = createRequest({
    subgraphName: schema.name,
    fragments: fragmentDefinitions(info),
    targetSchema: rootFields?.[fieldName] == null ? config.schema : transformedSchema,
    rootValue,
    targetOperationName: info.operation.name?.value,
    targetOperation: OperationTypeNode.QUERY,
    targetFieldName: fieldName,
    selectionSet: options.selectionSet,
    fieldNodes,
    context,
    info,
    args: options.args,
  });
  const delegationContext: DelegationContext = {
    subschema: schema,
    subschemaConfig: config,
    targetSchema: config.schema,
    operation: OperationTypeNode.QUERY,
    fieldName,
    context,
    info,
    returnType: options.returnType,
    transforms: [],
    transformedSchema,
    skipTypeMerging: options.skipTypeMerging ?? false,
    ...(options.onLocatedError ? { onLocatedError: options.onLocatedError } : {}),
    ...(options.args ? { args: options.args } : {}),
  };
  const transformer = new Transformer(delegationContext);

  const rawOperation = raw.document.definitions[0] as OperationDefinitionNode;
  const shape = requestShape(rawOperation, fieldNodes[0]);
  const bySelection = nested(plans, schema, () => new WeakMap());
  const selectionKey = options.selectionSet ?? fieldNodes[0];
  let request: ExecutionRequest;
  let plan: Plan | null | undefined;
  let byShape: Map<string, Plan | null> | undefined;
  // A field's nodes are keyed by the first; the others it is merged with (a fragment's field asked
  // beside the same field elsewhere) change the document too, so they are part of the key.
  const siblings = options.selectionSet || fieldNodes.length < 2 ? '' : `|${fieldNodes.slice(1).map(nodeId).join(',')}`;
  const key = shape === null ? null : `${fieldName}|${String(options.returnType)}|${shape}${siblings}`;
  if (selectionKey && key !== null) {
    const byField = nested(bySelection, selectionKey, () => new WeakMap());
    const byOperation = nested(byField, fieldNodes[0] ?? selectionKey, () => new WeakMap());
    byShape = nested(byOperation, info.operation, () => new Map());
    plan = byShape.get(key);
  }
  if (plan) {
    const outer = getCoercedVariableValues(info.variableValues);
    const variables: Record<string, unknown> = {};
    for (const name of plan.variableNames) {
      // As graphql-tools' finalizeGatewayRequest: the delegation's own value, else the client's.
      const own = raw.variables?.[name];
      const client = outer?.[name];
      if (own != null) variables[name] = own;
      else if (client != null) variables[name] = client;
      if (own === null || client === null) variables[name] = null;
    }
    request = { ...raw, document: plan.document, variables };
    if (plan.overlappingAliases) (transformer as unknown as { hasOverlappingAliases: boolean }).hasOverlappingAliases = true;
  } else {
    request = transformer.transformRequest(raw);
    if (byShape && key !== null && plan === undefined && byShape.size < MAX_SHAPES) {
      const operation = request.document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      byShape.set(
        key,
        operation
          ? {
              document: request.document,
              variableNames: (operation.variableDefinitions ?? []).map((d) => d.variable.name.value),
              overlappingAliases: (transformer as unknown as { hasOverlappingAliases: boolean }).hasOverlappingAliases,
            }
          : null,
      );
    }
  }
  const execute = config.executor!;
  if (phases) phases.add('planning', performance.now() - planningStart);
  const handle = (result: ExecutionResult) => {
    if (!phases) return transformer.transformResult(result);
    const start = performance.now();
    const out = transformer.transformResult(result);
    phases.add('merge', performance.now() - start);
    return out;
  };
  try {
    const result = execute(request) as ExecutionResult | PromiseLike<ExecutionResult>;
    return isThenable(result) ? Promise.resolve(result).then(handle, (error: unknown) => handle({ errors: [asGraphQLError(error)] })) : handle(result);
  } catch (error) {
    return handle({ errors: [asGraphQLError(error)] });
  }
}

const nodeIds = new WeakMap<FieldNode, number>();
let lastNodeId = 0;
/** A number that stands for one field node of a parsed document, for keys. */
const nodeId = (node: FieldNode) => {
  let id = nodeIds.get(node);
  if (id === undefined) nodeIds.set(node, (id = ++lastNodeId));
  return id;
};

const isThenable = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> => typeof (value as { then?: unknown } | null)?.then === 'function';
const asGraphQLError = (error: unknown) =>
  error instanceof GraphQLError ? error : new GraphQLError((error as Error)?.message ?? String(error), { originalError: error as Error });

/** Only plain in-process subschemas: no transforms, no batching executor, no `override` hooks, no defer. */
const preparableCache = new WeakMap<object, boolean>();
function preparable(config: Subschema): boolean {
  let ok = preparableCache.get(config);
  if (ok === undefined) {
    const c = config as unknown as SubschemaConfig;
    const overrides = Object.values(c.merge ?? {}).some((m) => Object.values(m?.fields ?? {}).some((f) => (f as { override?: unknown })?.override));
    ok = !c.transforms?.length && !c.batch && !overrides && !(c as { defer?: boolean }).defer && typeof c.executor === 'function';
    preparableCache.set(config, ok);
  }
  return ok;
}

function fallback(options: DelegateOptions): unknown {
  return delegateToSchema({
    schema: options.schema,
    operation: options.operation ?? OperationTypeNode.QUERY,
    fieldName: options.fieldName,
    returnType: options.returnType,
    context: options.context,
    info: options.info,
    ...(options.selectionSet ? { selectionSet: options.selectionSet } : {}),
    ...(options.args ? { args: options.args } : {}),
    ...(options.rootValue !== undefined ? { rootValue: options.rootValue } : {}),
    ...(options.skipTypeMerging !== undefined ? { skipTypeMerging: options.skipTypeMerging } : {}),
    ...(options.onLocatedError ? { onLocatedError: options.onLocatedError } : {}),
  });
}

const fragmentLists = new WeakMap<object, ReturnType<typeof Object.values>>();
/** The operation's fragment definitions; graphql-js builds `info.fragments` anew per request, the definitions are the document's. */
function fragmentDefinitions(info: GraphQLResolveInfo) {
  const values = Object.values(info.fragments);
  if (values.length === 0) return values;
  let list = fragmentLists.get(info.operation);
  if (!list || list.length !== values.length || list.some((f, i) => f !== values[i])) fragmentLists.set(info.operation, (list = values));
  return list as typeof values;
}

/**
 * What of a raw request decides the processed document besides its selection: the variables it declares
 * (graphql-tools names argument variables after what the client's request already uses) and each root
 * argument's variable. null when an argument is a literal built from this request's values (not reusable).
 */
function requestShape(operation: OperationDefinitionNode, fieldNode: FieldNode | undefined): string | null {
  const root = operation.selectionSet.selections[0];
  if (!root || root.kind !== Kind.FIELD) return null;
  let shape = (operation.variableDefinitions ?? []).map((d) => d.variable.name.value).join(',');
  for (const argument of root.arguments ?? []) {
    if (argument.value.kind === Kind.VARIABLE) shape += `|${argument.name.value}=$${argument.value.name.value}`;
    else if (fieldNode?.arguments?.includes(argument)) shape += `|${argument.name.value}=client`;
    else return null;
  }
  return shape;
}

/** Options of one batched lookup by key, as stitching's `batchDelegateToSchema` takes them. */
export interface BatchDelegateOptions<K> {
  schema: Subschema;
  fieldName: string;
  key: K;
  argsFromKeys: (keys: readonly K[]) => Record<string, unknown>;
  /** The type of one result (the root field returns a list of it). */
  returnType: GraphQLOutputType;
  context: object;
  info: GraphQLResolveInfo;
  selectionSet?: SelectionSetNode | undefined;
  skipTypeMerging?: boolean;
}

const printed = new WeakMap<object, string>();
const printOnce = (node: SelectionSetNode | ArgumentNode) => {
  let text = printed.get(node);
  if (text === undefined) printed.set(node, (text = print(node)));
  return text;
};
const listTypes = new WeakMap<GraphQLNamedType, GraphQLOutputType>();
const NO_CONTEXT = {};
const loaders = new WeakMap<object, WeakMap<Subschema, Map<string, DataLoader<unknown, unknown, unknown>>>>();

/**
 * `batchDelegateToSchema` over `delegate`: keys asked in the same tick for the same root field and
 * selection go out as one delegation (one subgraph request, one backend call), with the subgraph document
 * planned once. Same grouping, error locations and null handling as graphql-tools' batch delegation.
 *
 * @example
 * batchDelegate({ schema: identity, fieldName: '_applicantsByRecordKeys', key, argsFromKeys: (keys) => ({ keys }), returnType: info.returnType, context, info });
 */
export function batchDelegate<K>(options: BatchDelegateOptions<K>): Promise<unknown> | null {
  const { key, info } = options;
  if (key == null) return null;
  const named = getNamedType(options.returnType);
  if (!preparedDelegation) {
    // graphql-tools keys its loaders by the first node's selection only: a field asked twice under one
    // response key (`applicant { id } applicant { name }`) is sent as the union of its nodes' selections.
    const selectionSet =
      options.selectionSet ??
      (info.fieldNodes.length > 1
        ? { kind: Kind.SELECTION_SET, selections: info.fieldNodes.flatMap((node) => node.selectionSet?.selections ?? []) }
        : undefined);
    return batchDelegateToSchema({
      schema: options.schema,
      fieldName: options.fieldName,
      key,
      argsFromKeys: options.argsFromKeys,
      returnType: new GraphQLList(named),
      context: options.context,
      info,
      ...(selectionSet ? { selectionSet } : {}),
      ...(options.skipTypeMerging !== undefined ? { skipTypeMerging: options.skipTypeMerging } : {}),
    }) as Promise<unknown>;
  }
  const cacheKey = loaderKey(options, named);
  const bySchema = nested(loaders, options.context ?? NO_CONTEXT, () => new WeakMap());
  const byKey = nested(bySchema, options.schema, () => new Map());
  let loader = byKey.get(cacheKey) as DataLoader<K, unknown, unknown> | undefined;
  if (!loader) {
    let listType = listTypes.get(named);
    if (!listType) listTypes.set(named, (listType = new GraphQLList(named) as GraphQLOutputType));
    const returnType = listType;
    loader = new DataLoader<K, unknown, unknown>(
      async (keys) => {
        try {
          const results = await delegate({
            schema: options.schema,
            fieldName: options.fieldName,
            returnType,
            args: options.argsFromKeys(keys),
            context: options.context,
            info,
            selectionSet: options.selectionSet,
            skipTypeMerging: options.skipTypeMerging ?? false,
            onLocatedError: (error) => relocate(error, options.fieldName),
          });
          if (!Array.isArray(results)) return keys.map(() => results);
          return keys.map((_, i) => results[i] ?? null);
        } catch (error) {
          return keys.map(() => error);
        }
      },
      { cacheKeyFn: (k: K): unknown => (typeof k === 'object' ? JSON.stringify(k) : k) },
    );
    byKey.set(cacheKey, loader as DataLoader<unknown, unknown, unknown>);
  }
  return loader.load(key).catch((error: unknown) => (info.path && error instanceof GraphQLError ? relocatedError(error, pathToArray(info.path)) : error));
}

/**
 * What tells one batched lookup from another: the root field, the result type, every node's selection —
 * a field asked twice under a response key (`applicant { id } applicant { name }`) must not share a
 * lookup that sends only the first node's selection — and, as graphql-tools, the field's own arguments
 * that the lookup also takes. Without such arguments it is the same for every object under the same
 * field nodes: kept with them, not built and hashed again for each object of a page.
 */
function loaderKey<K>(options: BatchDelegateOptions<K>, named: GraphQLNamedType): string {
  const { fieldNodes } = options.info;
  const fieldArguments = fieldNodes[0]?.arguments;
  const reusable = !fieldArguments?.length;
  if (reusable) {
    const kept = loaderKeys.get(fieldNodes);
    if (kept && kept.fieldName === options.fieldName && kept.named === named && kept.selectionSet === options.selectionSet) return kept.key;
  }
  let key = `${options.fieldName}@${named.name}`;
  if (options.selectionSet) key += printOnce(options.selectionSet);
  else for (const node of fieldNodes) if (node.selectionSet) key += printOnce(node.selectionSet);
  if (!reusable) {
    const args = options.argsFromKeys([options.key]);
    for (const argument of fieldArguments!) if (argument.name.value in args) key += printOnce(argument);
    return key;
  }
  loaderKeys.set(fieldNodes, { fieldName: options.fieldName, named, selectionSet: options.selectionSet, key });
  return key;
}

const loaderKeys = new WeakMap<readonly FieldNode[], { fieldName: string; named: GraphQLNamedType; selectionSet: SelectionSetNode | undefined; key: string }>();

/** A batched result's error located under `fieldName.N.…` belongs at `fieldName.…` for one key. */
function relocate(error: GraphQLError, fieldName: string): GraphQLError {
  const path = error.path;
  if (!path || path[0] !== fieldName || typeof path[1] !== 'number') return error;
  return relocatedError(error, [fieldName, ...path.slice(2)]);
}

type PlanBuilder = (
  schema: GraphQLSchema,
  sourceSubschema: object,
  variableValues: Record<string, unknown>,
  fragments: Record<string, FragmentDefinitionNode>,
  fieldNodes: readonly FieldNode[],
  context: unknown,
  info: GraphQLResolveInfo | undefined,
) => unknown;
interface MergedTypeInfo {
  delegationPlanBuilder?: PlanBuilder;
  nonMemoizedDelegationPlanBuilder?: PlanBuilder;
}

/**
 * Makes stitching's merge plans last across requests. graphql-tools memoizes a merged type's delegation
 * plan on the identity of the request's variable values (they decide @skip/@include), so with variables
 * the plan — and every subgraph selection set derived from it — is rebuilt on every request, and nothing
 * downstream can be reused. Here plans are kept per operation and per values of just the variables that
 * directives read, which is all a plan depends on (types with `override` hooks keep graphql-tools' own).
 *
 * @example
 * reuseMergePlans(stitchSchemas({ subschemas }));
 */
export function reuseMergePlans(schema: GraphQLSchema): void {
  if (!preparedDelegation) return;
  const stitchingInfo = schema.extensions?.['stitchingInfo'] as { mergedTypes?: Record<string, MergedTypeInfo> } | undefined;
  for (const merged of Object.values(stitchingInfo?.mergedTypes ?? {})) {
    const build = merged.nonMemoizedDelegationPlanBuilder;
    if (typeof build !== 'function' || merged.delegationPlanBuilder === build) continue;
    const cache: Cache<Cache<Cache<Cache<Map<string, unknown>>>>> = new WeakMap();
    merged.delegationPlanBuilder = (schema, source, variableValues, fragments, fieldNodes, context, info) => {
      if (!info || fieldNodes.length !== 1) return build(schema, source, variableValues, fragments, fieldNodes, context, info);
      const bySource = nested(cache, schema, () => new WeakMap());
      const byField = nested(
        nested(bySource, source, () => new WeakMap()),
        fieldNodes[0]!,
        () => new WeakMap(),
      );
      const byValues = nested(byField, info.operation, () => new Map<string, unknown>());
      const key = directiveVariables(info)
        .map((name) => JSON.stringify(variableValues[name] ?? null))
        .join('|');
      let plan = byValues.get(key);
      if (plan === undefined) {
        plan = build(schema, source, variableValues, fragments, fieldNodes, context, info);
        if (byValues.size < MAX_SHAPES) byValues.set(key, plan);
      }
      return plan;
    };
  }
}

const directiveVariableNames = new WeakMap<OperationDefinitionNode, string[]>();
/** Variables that a directive of the operation or its fragments reads (sorted, each once). */
export function directiveVariables(info: GraphQLResolveInfo): string[] {
  let names = directiveVariableNames.get(info.operation);
  if (!names) {
    const found = new Set<string>();
    const visitor = {
      Directive(node: DirectiveNode) {
        visit(node, { Variable: (v) => void found.add(v.name.value) });
        return false;
      },
    };
    visit(info.operation, visitor);
    for (const fragment of Object.values(info.fragments)) visit(fragment, visitor);
    names = [...found].sort();
    directiveVariableNames.set(info.operation, names);
  }
  return names;
}
