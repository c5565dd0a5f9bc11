import type { Logger } from '../../logging/logger.js';
import { RuntimeAdapter, type RuntimeOptions } from '../../adapters/core/runtime-adapter.js';
import { openSpecAdapter, type OpenSpecOptions } from '../../adapters/open-spec-adapter.js';
import { createDepartmentSubgraph } from '../../subgraphs/department/department-subgraph.js';
import { departmentSdl } from '../../subgraphs/department/department-sdl.js';
import { httpEndpoint, inProcessEndpoint } from '../delegation/endpoints.js';
import { DepartmentSlot } from './department-slot.js';
import type { DepartmentEntry } from './registry-store.js';

export interface OpenerOptions extends RuntimeOptions, Omit<OpenSpecOptions, 'logger'> {
  logger: Logger;
  deadlineMs: number;
  /** The bearer token a department's subgraph service requires of the gateway (see `subgraphs/service-token.ts`). */
  serviceToken?: (code: string) => Promise<string>;
}

/** Opens a registry entry as a slot; `strict` throws when its system cannot be opened instead of serving it as unavailable. */
export type SlotOpener = (entry: DepartmentEntry, options?: { strict?: boolean }) => Promise<DepartmentSlot>;

/**
 * Opens registry entries as slots: an in-process subgraph over the department's wrapped adapter (from its
 * spec), or the endpoint of its own HTTP service when the entry gives a URL. At start a department whose
 * system cannot be opened still gets a slot that answers DEPARTMENT_UNAVAILABLE (the cause is logged);
 * a change being checked before it goes live asks for `strict` and is refused instead.
 *
 * @example
 * const open = departmentOpener({ kinds: adapterKinds, env: process.env, dataDir: '.data', logger, deadlineMs: 5000 });
 * const slot = await open(entry);
 */
export function departmentOpener(options: OpenerOptions): SlotOpener {
  return async (entry, { strict = false } = {}) => {
    const key = slotKey(entry);
    if (entry.url) {
      // A subgraph service answers the gateway only, so there is no talking to one without the key.
      const sign = options.serviceToken;
      if (!sign)
        throw new Error(
          `department ${entry.code} is served over HTTP, but no service key is configured: set HUITONG_SERVICE_KEY_FILE (create it with \`huitong service-key rotate\`)`,
        );
      const endpoint = httpEndpoint({
        name: entry.code,
        role: 'department',
        sdl: departmentSdl,
        url: entry.url,
        timeoutMs: options.deadlineMs + 2000,
        serviceToken: () => sign(entry.code),
      });
      return new DepartmentSlot(entry.code, key, endpoint, null);
    }
    const adapter = await openRuntimeAdapter(entry, options, { strict });
    return new DepartmentSlot(entry.code, key, inProcessEndpoint(createDepartmentSubgraph(adapter), 'department'), adapter);
  };
}

/**
 * A department's adapter in this process, wrapped by the core, from its registry entry. Unless `strict`,
 * a system that cannot be opened gives an adapter that reports it UNREACHABLE (the cause is logged).
 *
 * @example
 * const market = await openRuntimeAdapter(entry, { kinds: adapterKinds, env: process.env, dataDir: '.data', logger, deadlineMs: 5000 });
 */
export async function openRuntimeAdapter(
  entry: Pick<DepartmentEntry, 'code' | 'spec'>,
  options: OpenerOptions,
  { strict = false } = {},
): Promise<RuntimeAdapter> {
  try {
    // A department registered before specs existed has none until a steward gives it one (departments update).
    if (!entry.spec) throw new Error(`department ${entry.code} has no spec: register one with huitong departments update`);
    const { spec, adapter } = await openSpecAdapter(entry.spec, options);
    return new RuntimeAdapter(entry.code, adapter, { ...options, ...(spec.totals ? { totalsMaxAgeMs: spec.totals.maxAgeSeconds * 1000 } : {}) });
  } catch (error) {
    if (strict) throw error;
    options.logger.error(
      { department: entry.code, err: { name: (error as Error).name, message: (error as Error).message } },
      'department adapter could not start',
    );
    return new RuntimeAdapter(entry.code, unavailableAdapter(entry.code), options);
  }
}

/** An adapter for a department whose system could not be opened: every call is UNREACHABLE. */
function unavailableAdapter(code: string) {
  const fail = async (): Promise<never> => {
    throw Object.assign(new Error(`department ${code} could not be opened`), { code: 'ECONNREFUSED' });
  };
  const rejected = () => ({ ok: false as const, localId: 'unknown', reason: 'department unavailable' });
  return { connector: { listPermits: fail, getPermits: fail, listApplicants: fail }, mapper: { statusCodes: {}, permit: rejected, applicant: rejected } };
}

/** What a slot is opened from: a change in any of it needs a new slot. */
export function slotKey(entry: DepartmentEntry): string {
  return JSON.stringify([entry.adapterKind, entry.specVersion, entry.spec, entry.url]);
}
