import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNullableType,
  getVariableValues,
  GraphQLError,
  isListType,
  Kind,
  visit,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, ErrorCode, MAX_PAGE_SIZE } from '../../schema/index.js';

/**
 * The default limit. The bench workloads cost 201 (disclosure search) to 5,131 (heavy-nested: 30
 * permits, each applicant's 10); a portal page (an applicant's 50 permits and 20 disclosure items)
 * 1,036; the heaviest requests bench/healthz-stall.ts sends about 21,000 (200 permits with each
 * applicant's identifiers and records) and 19,400 (200 permits with each applicant's first 10). 200
 * permits with each applicant's 200 costs about 80,000 — a 40,000-row answer no page shows — and a
 * third level of 200 over 24 million.
 */
export const DEFAULT_MAX_QUERY_COST = 25_000;
/** What a list without a size argument (an applicant's identifiers or records, the departments) is taken to hold. */
export const DEFAULT_LIST_SIZE = 10;
/**
 * Selections the estimator may visit before it gives up: bounds its own work on a document that spreads
 * the same fragments over and over (a few kilobytes can name millions of fields that way).
 */
export const MAX_COST_NODES = 10_000;

/**
 * The cost of one field: 1, plus its children's cost times how many of them it returns. A field with a
 * `first` argument (a connection) returns `first` items — the page size its resolver uses when absent,
 * at most the largest page — and its list fields (`nodes`, `edges`) are that page, not another
 * multiplication; any other list is taken to hold `DEFAULT_LIST_SIZE`. Introspection is free: the IDE's
 * query is deep by nature and reads no department.
 */
function fieldCost({ type, field, args, childComplexity }: ComplexityEstimatorArgs): number {
  if (type.name.startsWith('__') || field.name.startsWith('__')) return 0;
  if (field.args.some((a) => a.name === 'first')) return 1 + pageOf(args.first) * childComplexity;
  if (isListType(getNullableType(field.type)) && !isConnection(type)) return 1 + DEFAULT_LIST_SIZE * childComplexity;
  return 1 + childComplexity;
}

/** The page a `first` value asks for, as `pageSize` reads it; an out-of-range value is refused there. */
function pageOf(first: unknown): number {
  if (typeof first !== 'number' || !Number.isFinite(first)) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(Math.trunc(first), 0), MAX_PAGE_SIZE);
}

/** Relay's naming, which every list type of this schema follows: its lists are the page its field asked for. */
const isConnection = (type: GraphQLCompositeType) => type.name.endsWith('Connection');

/**
 * What one operation of a document costs with these variable values: fragments, inline fragments and
 * `@include`/`@skip` are followed as execution would follow them; for an abstract type the costliest
 * possible type counts. Null when the variables do not coerce (execution refuses those itself);
 * `Infinity` when the document has more than `MAX_COST_NODES` selections to visit.
 *
 * @example
 * estimateQueryCost(schema, parse('query ($n: Int) { permits(first: $n) { nodes { id } } }'), { n: 50 }); // 101
 */
export function estimateQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string,
): number | null {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      estimators: [fieldCost],
      maxQueryNodes: MAX_COST_NODES,
      ...(operationName ? { operationName } : {}),
    });
  } catch (error) {
    // The library's only error of its own (matched by text: its GraphQLError may come from another copy
    // of graphql than ours); any other is the variables' (or an argument's) coercion, which execution
    // reports the same way.
    if (/maximum allowed number of nodes/.test((error as Error | undefined)?.message ?? '')) return Number.POSITIVE_INFINITY;
    return null;
  }
}

/**
 * Refuses an operation whose estimated cost (see `estimateQueryCost`) is over `maxCost`, once Apollo
 * has resolved it and before execution, so no department is asked: QUERY_TOO_COSTLY, HTTP 400, with
 * `extensions.cost` (null when the document was too large to estimate) and `extensions.maxCost`. It
 * runs here rather than as a validation rule because validation never sees the variables, and
 * `first: $n` is what decides a page's size.
 *
 * @example
 * new ApolloServer({ schema, plugins: [queryCostPlugin({ maxCost: DEFAULT_MAX_QUERY_COST })] });
 */
export function queryCostPlugin(options: { maxCost: number }): ApolloServerPlugin<CostContext> {
  const { maxCost } = options;
  const prices = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentPrices>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          if (!variablesCoerce(schema, operation, variables)) return;
          let bySchema = prices.get(schema);
          if (!bySchema) prices.set(schema, (bySchema = new WeakMap()));
          let known = bySchema.get(document);
          if (!known) bySchema.set(document, (known = { priced: pricedVariables(document), costs: new Map() }));
          // Only the variables a page size or @include/@skip reads change the cost: the bench's rotating
          // filters and ids price once per document, not once per request.
          const key = JSON.stringify([operation.name?.value ?? null, ...known.priced.map((name) => (Object.hasOwn(variables, name) ? [variables[name]] : []))]);
          let cost = known.costs.get(key);
          if (cost === undefined) {
            cost = estimateQueryCost(schema, document, variables, operation.name?.value);
            if (known.costs.size >= MAX_PRICES_PER_DOCUMENT) known.costs.clear();
            known.costs.set(key, cost);
          }
          contextValue.queryCost = cost === null || Number.isFinite(cost) ? cost : null;
          if (cost === null || cost <= maxCost) return;
          throw tooCostly(cost, maxCost);
        },
      };
    },
  };
}

/** Where the plugin leaves the price it found, so the request's log line can show it (HubContext has it). */
export interface CostContext {
  queryCost?: number | null;
}

/** The costs of one parsed document (Apollo keeps one DocumentNode per query text and schema). */
interface DocumentPrices {
  /** Variables the cost depends on, in a fixed order. */
  priced: string[];
  /** Cost by operation name and the values of `priced`. */
  costs: Map<string, number | null>;
}

/** Distinct page sizes remembered per document; a caller cycling through more only costs pricing again. */
const MAX_PRICES_PER_DOCUMENT = 64;

/** The variables of a document that `fieldCost` or the walk reads: any `first:` and `@include`/`@skip` `if:`. */
function pricedVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (value: ValueNode) => {
    visit(value, { [Kind.VARIABLE]: (node) => void names.add(node.name.value) });
  };
  visit(document, {
    [Kind.FIELD]: (node) => {
      for (const argument of node.arguments ?? []) if (argument.name.value === 'first') collect(argument.value);
    },
    [Kind.DIRECTIVE]: (node) => {
      if (node.name.value === 'include' || node.name.value === 'skip') for (const argument of node.arguments ?? []) collect(argument.value);
    },
  });
  return [...names].sort();
}

/** Variables that do not coerce are execution's to refuse, with its own message. */
function variablesCoerce(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): boolean {
  return !getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 }).errors;
}

function tooCostly(cost: number, maxCost: number): GraphQLError {
  const finite = Number.isFinite(cost);
  const message = finite
    ? `query cost ${cost} is over the limit of ${maxCost}: ask for smaller pages (first) or fewer nested lists`
    : `query has more than ${MAX_COST_NODES} selections to estimate (spread fragments?), over the cost limit of ${maxCost}`;
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.QUERY_TOO_COSTLY, cost: finite ? cost : null, maxCost, http: { status: 400 } },
  });
}
