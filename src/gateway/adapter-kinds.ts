import type { AdapterFactory } from '../adapters/core/contract.js';
import { createHealthAdapter } from '../adapters/health/index.js';
import { createHousingAdapter } from '../adapters/housing/index.js';
import { createMarketAdapter } from '../adapters/market/index.js';

/**
 * The adapter implementations the hub ships, by the `adapter_kind` a registry row names. A new
 * department on an already supported kind of system is a registry row, not code.
 */
export const adapterKinds: Readonly<Record<string, AdapterFactory>> = {
  'market-sql': createMarketAdapter,
  'housing-rest': createHousingAdapter,
  'health-csv': createHealthAdapter,
};
