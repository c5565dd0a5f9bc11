import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { AdapterKind } from './core/adapter-kind.js';
import { adapterKinds } from './kinds.js';
import type { KindRegistry } from './spec/parse-spec.js';

/**
 * The kinds a hub offers: the ones it ships, plus those exported by npm packages the operator lists in
 * `HUITONG_ADAPTER_PACKAGES` (comma-separated package names, or absolute paths of modules) — the escape
 * hatch for a system no shipped kind fits. Only this allow-list, kept in the hub's configuration, names
 * modules to load; a spec or an API call can only name a kind that is already loaded. A package exports
 * `adapterKind` (or `adapterKinds`, a list) implementing `AdapterKind`, and is held to the conformance suite.
 *
 * @example
 * // HUITONG_ADAPTER_PACKAGES=@district/oracle-adapter
 * const kinds = await loadAdapterKinds(process.env); // { sql, rest, csv, oracle }
 */
export async function loadAdapterKinds(env: Record<string, string | undefined>, shipped: KindRegistry = adapterKinds): Promise<KindRegistry> {
  const names = (env.HUITONG_ADAPTER_PACKAGES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const kinds: Record<string, AdapterKind> = { ...shipped };
  for (const name of names) {
    let module: { adapterKind?: unknown; adapterKinds?: unknown };
    try {
      module = (await import(isAbsolute(name) ? pathToFileURL(name).href : name)) as typeof module;
    } catch (error) {
      throw new Error(`HUITONG_ADAPTER_PACKAGES: ${name} cannot be loaded (${(error as Error).message.split('\n')[0]})`);
    }
    const exported = [module.adapterKind, ...(Array.isArray(module.adapterKinds) ? module.adapterKinds : [])].filter((k) => k !== undefined);
    if (exported.length === 0) throw new Error(`HUITONG_ADAPTER_PACKAGES: ${name} exports no adapterKind`);
    for (const kind of exported) {
      if (!isAdapterKind(kind)) throw new Error(`HUITONG_ADAPTER_PACKAGES: ${name} exports an adapterKind without name, schema.safeParse and open()`);
      if (Object.hasOwn(kinds, kind.name)) throw new Error(`HUITONG_ADAPTER_PACKAGES: ${name} exports kind ${kind.name}, which is already defined`);
      kinds[kind.name] = kind;
    }
  }
  return kinds;
}

function isAdapterKind(value: unknown): value is AdapterKind {
  const kind = value as Partial<AdapterKind> | null;
  return (
    typeof kind === 'object' &&
    kind !== null &&
    typeof kind.name === 'string' &&
    /^[a-z][a-z0-9-]{1,31}$/.test(kind.name) &&
    typeof kind.open === 'function' &&
    typeof (kind.schema as { safeParse?: unknown } | undefined)?.safeParse === 'function'
  );
}
