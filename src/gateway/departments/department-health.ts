import { parse } from 'graphql';
import type { SubgraphEndpoint } from '../delegation/endpoints.js';

export interface DepartmentHealthView {
  circuit: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
  lastError: { reason: string; at: string } | null;
  lastSuccessAt: string | null;
}

const HEALTH = parse('{ _health { circuit lastErrorReason lastErrorAt lastSuccessAt } }');

/**
 * A department's health as its subgraph reports it (circuit state, last error, last success). A
 * subgraph the gateway cannot reach is reported as such, from the gateway's side.
 *
 * @example
 * const health = await departmentHealth(marketEndpoint);
 */
export async function departmentHealth(endpoint: SubgraphEndpoint): Promise<DepartmentHealthView> {
  try {
    const result = (await endpoint.executor({ document: HEALTH, context: {} })) as {
      data?: {
        _health?: { circuit: DepartmentHealthView['circuit']; lastErrorReason: string | null; lastErrorAt: string | null; lastSuccessAt: string | null };
      };
    };
    const h = result.data?._health;
    if (!h) throw new Error('no health');
    return {
      circuit: h.circuit,
      lastError: h.lastErrorReason && h.lastErrorAt ? { reason: h.lastErrorReason, at: h.lastErrorAt } : null,
      lastSuccessAt: h.lastSuccessAt,
    };
  } catch {
    return { circuit: 'OPEN', lastError: { reason: 'UNREACHABLE', at: new Date().toISOString() }, lastSuccessAt: null };
  }
}
