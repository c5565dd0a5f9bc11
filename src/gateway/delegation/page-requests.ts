import { phasesOf } from '../../subgraphs/phase-context.js';
import DataLoader from 'dataloader';
import {
  createRequest,
  getCoercedVariableValues,
  getGraphQLResolveInfo,
  Transformer,
  type DelegationContext,
  type StitchingInfo,
  type Subschema,
} from '@graphql-tools/delegate';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import {
  GraphQLList,
  GraphQLNonNull,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { delegate } from './prepared-delegation.js';

/** One department's page request, as the department subgraph's `_PermitQuery`. */
export interface DepartmentPageQuery {
  first: number;
  after: string | null;
  statuses: readonly string[] | null;
  serviceItemCodes: readonly string[] | null;
  appliedFrom: string | null;
  appliedTo: string | null;
  applicantLocalIds: readonly string[] | null;
}

/** The subgraph document for one page selection, planned once by graphql-tools and reused. */
interface Plan {
  document: DocumentNode;
  /** The variable the document takes the queries in. */
  queriesVariable: string;
  /** Every variable the document declares (the client's own among them, when its selection uses them). */
  variableNames: string[];
}

interface PageLoad {
  query: DepartmentPageQuery;
  info: GraphQLResolveInfo;
}

const FIELD = '_permitPages';

/**
 * Page requests to department subgraphs. Every page a request asks of one department for the same
 * selection in the same tick — `Applicant.permits` under fifty applicants — goes out as one
 * `_permitPages` request (one adapter call in the subgraph). The subgraph document is planned once per
 * selection by graphql-tools (`createRequest` and the delegation `Transformer`, as `delegateToSchema`
 * does: keys for merged types, fields the department does not own removed) and reused by every later
 * request with that selection; results go back through the same `Transformer`, so errors and merged
 * types resolve exactly as with `delegateToSchema`.
 *
 * @example
 * const type = (name: string) => () => stitched.getType(name) as GraphQLObjectType;
 * const pages = new PageRequests(type('_PermitPage'), type('_PermitItem'), type('Permit'), (s) => s.name === 'market');
 * const page = await pages.load(market, pageField, query, context, info); // an external object
 */
export class PageRequests {
  readonly #pageType: () => GraphQLObjectType;
  #returnType: GraphQLOutputType | undefined;
  /** By page field (itself memoized per client selection), then department. null: not reusable. */
  readonly #plans = new WeakMap<FieldNode, Map<Subschema, Plan | null>>();
  /** Per request (context), department and page field: the loader gathering that tick's pages. */
  readonly #loaders = new WeakMap<object, Map<Subschema, Map<FieldNode, DataLoader<PageLoad, unknown>>>>();

  readonly #itemType: () => GraphQLObjectType;
  #itemListType: GraphQLOutputType | undefined;
  readonly #permitType: () => GraphQLObjectType;
  #permitListType: GraphQLOutputType | undefined;
  readonly #local: (subschema: Subschema) => boolean;
  /** Per request (context), department and item selection: the loader gathering that tick's second steps. */
  readonly #itemLoaders = new WeakMap<object, Map<Subschema, Map<SelectionSetNode, DataLoader<string, unknown>>>>();
  /** The same for second steps that bring the permits themselves (`direct`). */
  readonly #permitLoaders = new WeakMap<object, Map<Subschema, Map<SelectionSetNode, DataLoader<string, unknown>>>>();

  /**
   * `local` says which departments run in this process: their lists take two steps (see `items`).
   */
  constructor(
    pageType: () => GraphQLObjectType,
    itemType: () => GraphQLObjectType,
    permitType: () => GraphQLObjectType,
    local: (subschema: Subschema) => boolean = () => false,
  ) {
    this.#pageType = pageType;
    this.#itemType = itemType;
    this.#permitType = permitType;
    this.#local = local;
  }

  /** Whether a department's lists take two steps: keys first, then only the items kept after the merge. */
  twoSteps(subschema: Subschema): boolean {
    return this.#local(subschema);
  }

  /**
   * The second step of a list over an in-process department: the kept items by local id, with the
   * client's permit selections (`_permitItems`). The department serves them from the permits the first
   * step already read in this request — no backend call — so a department computes its permits' fields
   * only for the items that survive the merge, not for all `first` it sent. Every list of the request
   * asking the same department for the same selection in the same tick goes out as one request.
   * Resolves to external `_PermitItem` objects (null for an id not found, an Error on failure), in order;
   * `direct`: to the external permits themselves (`_permitsByLocalIds`, `selection` a permit selection),
   * for a list whose client reads its permits in one place only — one object less to wrap per permit.
   */
  items(
    subschema: Subschema,
    selection: SelectionSetNode,
    localIds: readonly string[],
    context: object,
    info: GraphQLResolveInfo,
    direct = false,
  ): Promise<unknown[]> {
    const loaders = direct ? this.#permitLoaders : this.#itemLoaders;
    let bySubschema = loaders.get(context);
    if (!bySubschema) loaders.set(context, (bySubschema = new Map()));
    let bySelection = bySubschema.get(subschema);
    if (!bySelection) bySubschema.set(subschema, (bySelection = new Map()));
    let loader = bySelection.get(selection);
    if (!loader) {
      loader = new DataLoader(
        async (ids: readonly string[]) => {
          let value: unknown;
          try {
            value = await delegate({
              schema: subschema,
              fieldName: direct ? '_permitsByLocalIds' : '_permitItems',
              returnType: direct ? (this.#permitListType ??= new GraphQLList(this.#permitType())) : (this.#itemListType ??= new GraphQLList(this.#itemType())),
              selectionSet: selection,
              args: { localIds: ids },
              context,
              info,
            });
          } catch (error) {
            value = error;
          }
          if (!Array.isArray(value)) return ids.map(() => (value instanceof Error ? value : new Error('no items')));
          return ids.map((_, i) => value[i] ?? null);
        },
        // Each list gets its own external objects (stitching's merges write into them).
        { cache: false },
      );
      bySelection.set(selection, loader);
    }
    return loader.loadMany(localIds);
  }

  /** One department's page: resolves to the page (a stitching external object); rejects with its failure. */
  load(subschema: Subschema, pageField: FieldNode, query: DepartmentPageQuery, context: object, info: GraphQLResolveInfo): Promise<unknown> {
    let bySubschema = this.#loaders.get(context);
    if (!bySubschema) this.#loaders.set(context, (bySubschema = new Map()));
    let byField = bySubschema.get(subschema);
    if (!byField) bySubschema.set(subschema, (byField = new Map()));
    let loader = byField.get(pageField);
    if (!loader) {
      loader = new DataLoader((loads: readonly PageLoad[]) => this.#fetch(subschema, pageField, loads, context), { cache: false });
      byField.set(pageField, loader);
    }
    return loader.load({ query, info });
  }

  async #fetch(subschema: Subschema, pageField: FieldNode, loads: readonly PageLoad[], context: object): Promise<unknown[]> {
    const info = loads[0]!.info;
    const phases = phasesOf(context);
    const planningStart = phases ? performance.now() : 0;
    const queries = loads.map((l) => l.query);
    const stitchingInfo = info.schema.extensions?.['stitchingInfo'] as StitchingInfo | undefined;
    const config = (stitchingInfo?.subschemaMap.get(subschema) ?? subschema) as Subschema;
    const delegationContext: DelegationContext = {
      subschema,
      subschemaConfig: config,
      targetSchema: config.schema,
      operation: OperationTypeNode.QUERY,
      fieldName: FIELD,
      args: { queries },
      context,
      info,
      returnType: (this.#returnType ??= new GraphQLNonNull(new GraphQLList(this.#pageType()))),
      transforms: config.transforms ?? [],
      transformedSchema: subschema.transformedSchema,
      skipTypeMerging: false,
    };
    const transformer = new Transformer(delegationContext);
    let plans = this.#plans.get(pageField);
    if (!plans) this.#plans.set(pageField, (plans = new Map()));
    const plan = plans.get(subschema);
    const rootValue = (subschema as { rootValue?: unknown }).rootValue ?? info.rootValue;
    let request: ExecutionRequest;
    if (plan) {
      const outer = getCoercedVariableValues(info.variableValues);
      const variables: Record<string, unknown> = {};
      for (const name of plan.variableNames) {
        if (name === plan.queriesVariable) variables[name] = queries;
        else if (outer?.[name] !== undefined) variables[name] = outer[name];
      }
      request = {
        document: plan.document,
        variables,
        rootValue,
        operationName: info.operation.name?.value,
        operationType: OperationTypeNode.QUERY,
        context,
        info: getGraphQLResolveInfo(info),
        subgraphName: subschema.name,
      };
    } else {
      const raw = createRequest({
        subgraphName: subschema.name,
        fragments: Object.values(info.fragments),
        targetSchema: subschema.transformedSchema,
        rootValue,
        targetOperationName: info.operation.name?.value,
        targetOperation: OperationTypeNode.QUERY,
        targetFieldName: FIELD,
        fieldNodes: [pageField],
        context,
        info,
        args: { queries },
      });
      request = transformer.transformRequest(raw);
      if (plan === undefined) plans.set(subschema, reusablePlan(request, transformer, delegationContext));
    }
    if (phases) phases.add('planning', performance.now() - planningStart);
    let value: unknown;
    try {
      const result = (await config.executor!(request)) as ExecutionResult;
      const mergeStart = phases ? performance.now() : 0;
      value = transformer.transformResult(result);
      if (phases) phases.add('merge', performance.now() - mergeStart);
    } catch (error) {
      value = error;
    }
    if (!Array.isArray(value)) return loads.map(() => value ?? new Error('no pages'));
    return loads.map((_, i) => value[i] ?? new Error('no page'));
  }
}

/**
 * What of a processed request can be reused: its document, when nothing in the delegation keeps state
 * between request and result (no subschema transforms, no overlapping aliases to undo).
 */
function reusablePlan(request: ExecutionRequest, transformer: Transformer, delegationContext: DelegationContext): Plan | null {
  if (delegationContext.transforms.length || (transformer as unknown as { hasOverlappingAliases?: boolean }).hasOverlappingAliases) return null;
  const operation = request.document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return null;
  const root = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === FIELD);
  const argument = root?.arguments?.find((a) => a.name.value === 'queries');
  if (argument?.value.kind !== Kind.VARIABLE) return null;
  return {
    document: request.document,
    queriesVariable: argument.value.name.value,
    variableNames: (operation.variableDefinitions ?? []).map((d) => d.variable.name.value),
  };
}
