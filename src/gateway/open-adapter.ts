import { AdapterError } from '../adapters/core/adapter-error.js';
import type { Adapter } from '../adapters/core/contract.js';
import type { Logger } from '../adapters/core/logger.js';
import { RuntimeAdapter, type RuntimeOptions } from '../adapters/core/runtime-adapter.js';
import { adapterKinds } from './adapter-kinds.js';
import type { DepartmentEntry } from './departments/registry-store.js';
import { resolveConnection } from './registry.js';

/**
 * A registry row's adapter, wrapped by the core. When the department's system cannot even be opened
 * (bad settings, a database that refuses), the hub still starts: the adapter then reports the department
 * UNREACHABLE on every call, and the cause goes to the log only.
 *
 * @example
 * const market = await openDepartmentAdapter(entry, process.env, { deadlineMs: 5000, logger });
 */
export async function openDepartmentAdapter(
  entry: Pick<DepartmentEntry, 'code' | 'adapterKind' | 'connection'>,
  env: Record<string, string | undefined>,
  options: RuntimeOptions & { deadlineMs: number; logger: Logger },
): Promise<RuntimeAdapter> {
  return new RuntimeAdapter(entry.code, await createAdapter(entry, env, options.logger), options);
}

async function createAdapter(entry: Pick<DepartmentEntry, 'code' | 'adapterKind' | 'connection'>, env: Record<string, string | undefined>, logger: Logger): Promise<Adapter<any, any>> {
  const factory = adapterKinds[entry.adapterKind];
  try {
    if (!factory) throw new Error(`unknown adapter kind ${entry.adapterKind}`);
    return await factory({ department: entry.code, connection: resolveConnection(entry.connection, env) });
  } catch (error) {
    logger.error({ department: entry.code, err: { name: (error as Error).name, message: (error as Error).message } }, 'department adapter could not start');
    const fail = async (): Promise<never> => {
      throw new AdapterError(entry.code, 'UNREACHABLE');
    };
    const rejected = () => ({ ok: false as const, localId: 'unknown', reason: 'department unavailable' });
    return {
      connector: { listPermits: fail, getPermits: fail, listApplicants: fail },
      mapper: { statusCodes: {}, permit: rejected, applicant: rejected },
    };
  }
}
