import { BREAK, execute, getOperationAST, Kind, OperationTypeNode, visit, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * When an operation runs compiled (graphql-jit): `on` (the default) from the second time its document is
 * seen; `first` from the first (the test suite runs so: every operation it sends runs compiled); `off`
 * never — the fast-paths-off suite runs so, so compiling can change nothing but speed.
 */
export const compiledQueries: 'on' | 'first' | 'off' =
  process.env.HUITONG_COMPILED_QUERIES === 'off' ? 'off' : process.env.HUITONG_COMPILED_QUERIES === 'first' ? 'first' : 'on';

/** What one operation is asked to run. */
export interface OperationRun {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null | undefined;
  rootValue?: unknown;
  contextValue?: unknown;
  variableValues?: Record<string, unknown> | null | undefined;
}

/**
 * Runs operations as graphql-js's `execute` does, compiling one (graphql-jit) the second time its parsed
 * document is seen: the gateway plans each subgraph document once and Apollo parses each query text once,
 * so a document seen again is one that keeps coming back. A one-off runs in graphql-js, not worth a
 * compilation. Only queries are compiled (a mutation is rare, and runs its fields in order in graphql-js);
 * an operation graphql-jit cannot compile runs in graphql-js always, and so does a document with `@skip`
 * or `@include` on a variable: compiled once for every value, graphql-jit hands resolvers the
 * field nodes such directives would drop, and the gateway's delegation plans from those nodes.
 *
 * @example
 * const run = compiledRunner();
 * const result = await run({ schema, document, variableValues: { id: 'ap_1' }, contextValue });
 */
export function compiledRunner(mode: typeof compiledQueries = compiledQueries): (run: OperationRun) => Promise<ExecutionResult> | ExecutionResult {
  const seen = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string | null | undefined, CompiledQuery | 'once' | 'never'>>>();
  return (run) => {
    if (mode === 'off') return execute(run);
    let bySchema = seen.get(run.schema);
    if (!bySchema) seen.set(run.schema, (bySchema = new WeakMap()));
    let byOperation = bySchema.get(run.document);
    if (!byOperation) bySchema.set(run.document, (byOperation = new Map()));
    let state = byOperation.get(run.operationName) ?? (mode === 'first' ? 'once' : undefined);
    if (state === 'once') {
      const compilable = getOperationAST(run.document, run.operationName)?.operation === OperationTypeNode.QUERY && !hasVariableDirectives(run.document);
      const result = !compilable ? null : compileQuery(run.schema, run.document, run.operationName ?? undefined, { disablingCapturingStackErrors: true });
      state = result && isCompiledQuery(result) ? result : 'never';
      byOperation.set(run.operationName, state);
    } else if (state === undefined) byOperation.set(run.operationName, 'once');
    if (typeof state === 'object') {
      const result = state.query(run.rootValue, run.contextValue, run.variableValues ?? {});
      // No data: the variables were refused before anything ran. graphql-js words that differently, and
      // its words are the ones clients (and the fast path's reference) see.
      return isPromise(result) ? result.then((r) => (r.data === undefined ? execute(run) : r)) : result.data === undefined ? execute(run) : result;
    }
    return execute(run);
  };
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => typeof (value as { then?: unknown }).then === 'function';

/** Whether any `@skip` or `@include` in the document takes its condition from a variable. */
function hasVariableDirectives(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Directive(node) {
      if ((node.name.value === 'skip' || node.name.value === 'include') && node.arguments?.some((a) => a.value.kind === Kind.VARIABLE)) {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}
