import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KindContext } from './core/adapter-kind.js';
import type { Adapter } from './core/contract.js';
import type { Logger } from '../logging/logger.js';
import { specMapper } from './core/spec-mapper.js';
import type { DepartmentSpec } from './spec/department-spec.js';
import { parseSpec, type KindRegistry } from './spec/parse-spec.js';
import { resolveValue, type SecretSources } from './spec/secrets.js';

export interface OpenSpecOptions extends SecretSources {
  kinds: KindRegistry;
  /** The hub's data directory; each department's adapter may keep stores in `<dataDir>/departments/<code>`. */
  dataDir: string;
  logger: Logger;
}

/**
 * A department's adapter from its spec: the spec checked against its kind, the kind's connector opened,
 * and the one spec mapper beside it. Throws a `SpecError` for a spec that does not check, or the kind's
 * error when the system cannot be opened.
 *
 * @example
 * const { spec, adapter } = await openSpecAdapter(entry.spec, { kinds: adapterKinds, env: process.env, dataDir: '.data', logger });
 */
export async function openSpecAdapter(input: unknown, options: OpenSpecOptions): Promise<{ spec: DepartmentSpec; adapter: Adapter<any, any> }> {
  const spec = parseSpec(input, options.kinds);
  const kind = options.kinds[spec.kind]!;
  const connector = await kind.open(spec, kindContext(spec.code, options));
  return { spec, adapter: { connector, mapper: specMapper(spec) } };
}

/** What a kind gets to open a department's system: secrets, its own directory, a logger. */
export function kindContext(code: string, options: Omit<OpenSpecOptions, 'kinds'>): KindContext {
  const dataDir = join(options.dataDir, 'departments', code);
  return {
    resolve: (value) => resolveValue(value, options),
    get dataDir() {
      mkdirSync(dataDir, { recursive: true });
      return dataDir;
    },
    logger: options.logger,
  };
}
