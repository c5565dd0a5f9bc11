import type { RuntimeAdapter } from '../../adapters/core/runtime-adapter.js';
import type { SubgraphEndpoint } from '../delegation/endpoints.js';

/**
 * One department as a composition serves it: its subgraph endpoint and, when in-process, the adapter
 * behind it. Compositions share a slot while its registry entry is unchanged (a swap that touches one
 * department keeps the others' connections and breakers); the adapter closes when the last composition
 * holding it has drained.
 */
export class DepartmentSlot {
  #holders = 0;

  constructor(
    readonly code: string,
    /** What the slot was opened from (spec version, URL …): a changed entry needs a new slot. */
    readonly key: string,
    readonly endpoint: SubgraphEndpoint,
    readonly adapter: RuntimeAdapter | null,
  ) {}

  hold(): this {
    this.#holders++;
    return this;
  }

  async release(): Promise<void> {
    if (--this.#holders > 0) return;
    await this.adapter?.close().catch(() => undefined);
  }
}
