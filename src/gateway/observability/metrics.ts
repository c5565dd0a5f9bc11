import type { ApolloServerPlugin } from '@apollo/server';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AdapterObserver } from '../../adapters/core/runtime-adapter.js';
import type { HubContext } from '../hub-context.js';
import { tracingObserver } from './tracing.js';

const CIRCUIT_VALUE = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 } as const;

/** Operation names come from clients: keep label values to a safe, bounded shape. */
const operationLabel = (name: string | null | undefined) => (name && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name) ? name : name ? 'other' : 'anonymous');

/**
 * The hub's Prometheus metrics (prom-client): request rate and latency by operation, errors by code and
 * reason, and per department the call latency, batch sizes, circuit state and bad records. The adapters
 * report through `observer`, the GraphQL layer through `plugin`; `/metrics` serves `registry`.
 *
 * @example
 * const metrics = createMetrics();
 * new RuntimeAdapter('market', adapter, { observer: metrics.observer });
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'huitong_process_' });
  const requests = new Histogram({
    name: 'huitong_graphql_request_duration_seconds',
    help: 'GraphQL request latency by operation',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'huitong_graphql_errors_total',
    help: 'Errors returned, by code and reason',
    labelNames: ['code', 'reason'],
    registers: [registry],
  });
  const calls = new Histogram({
    name: 'huitong_department_call_duration_seconds',
    help: "Latency of calls to a department's system, retries included",
    labelNames: ['department', 'operation', 'outcome'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const batches = new Histogram({
    name: 'huitong_department_batch_size',
    help: 'Queries or ids per call to a department',
    labelNames: ['department', 'operation'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'huitong_department_retries_total',
    help: 'Retried calls to a department',
    labelNames: ['department'],
    registers: [registry],
  });
  const circuit = new Gauge({
    name: 'huitong_department_circuit_state',
    help: 'Circuit state: 0 closed, 1 half-open, 2 open',
    labelNames: ['department'],
    registers: [registry],
  });
  const badRecords = new Counter({
    name: 'huitong_department_bad_records_total',
    help: 'Legacy records skipped as malformed',
    labelNames: ['department'],
    registers: [registry],
  });

  const observer: AdapterObserver = {
    call({ department, operation, durationMs, outcome, batchSize, attempts }) {
      calls.observe({ department, operation, outcome }, durationMs / 1000);
      batches.observe({ department, operation }, batchSize);
      if (attempts > 1) retries.inc({ department }, attempts - 1);
    },
    circuit(department, state) {
      circuit.set({ department }, CIRCUIT_VALUE[state]);
    },
    badRecord(department) {
      badRecords.inc({ department });
    },
  };

  const plugin: ApolloServerPlugin<HubContext> = {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operationName }) {
          const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
          for (const error of result?.errors ?? []) {
            errors.inc({ code: String(error.extensions?.code ?? 'UNKNOWN'), reason: String(error.extensions?.reason ?? '') });
          }
          requests.observe(
            { operation: operationLabel(operationName), outcome: result?.errors?.length ? 'error' : 'ok' },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
  return { registry, observer, plugin };
}

export type HubMetrics = ReturnType<typeof createMetrics>;

/**
 * What watches a process's department calls: its metrics, and a span per call (when tracing is on). The
 * hub's adapters and a department subgraph served on its own both report through it.
 *
 * @example
 * openRuntimeAdapter(entry, { kinds, env, dataDir, deadlineMs, logger, observer: departmentObserver(metrics) });
 */
export function departmentObserver(metrics: HubMetrics): AdapterObserver {
  return {
    call: (event) => {
      metrics.observer.call(event);
      tracingObserver.call(event);
    },
    circuit: metrics.observer.circuit!,
    badRecord: metrics.observer.badRecord!,
  };
}
