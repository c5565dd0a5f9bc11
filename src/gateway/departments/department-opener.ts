import type { Logger } from '../../adapters/core/logger.js';
import type { RuntimeOptions } from '../../adapters/core/runtime-adapter.js';
import { createDepartmentSubgraph } from '../../subgraphs/department/department-subgraph.js';
import { departmentSdl } from '../../subgraphs/department/department-sdl.js';
import { httpEndpoint, inProcessEndpoint } from '../endpoints.js';
import { openDepartmentAdapter } from '../open-adapter.js';
import type { DepartmentEntry } from '../registry.js';
import { DepartmentSlot } from './department-slot.js';

export interface OpenerOptions extends RuntimeOptions {
  env: Record<string, string | undefined>;
  logger: Logger;
  deadlineMs: number;
}

/**
 * Opens registry entries as slots: an in-process subgraph over the department's wrapped adapter, or the
 * endpoint of its own HTTP service when the entry gives a URL.
 *
 * @example
 * const open = departmentOpener({ env: process.env, logger, deadlineMs: 5000 });
 * const slot = await open(entry);
 */
export function departmentOpener(options: OpenerOptions): (entry: DepartmentEntry) => Promise<DepartmentSlot> {
  return async (entry) => {
    const key = JSON.stringify([entry.adapterKind, entry.connection, entry.url]);
    if (entry.url) {
      const endpoint = httpEndpoint({ name: entry.code, role: 'department', sdl: departmentSdl, url: entry.url, timeoutMs: options.deadlineMs + 2000 });
      return new DepartmentSlot(entry.code, key, endpoint, null);
    }
    const adapter = await openDepartmentAdapter(entry, options.env, options);
    return new DepartmentSlot(entry.code, key, inProcessEndpoint(createDepartmentSubgraph(adapter), 'department'), adapter);
  };
}
