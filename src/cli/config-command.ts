import { maskValue, type SettingName, type Settings, settingsSchema } from './settings.js';

/** A parsed setting as text: lists comma-separated, maps as `key=value`, unset as empty. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  return String(value);
}

/**
 * `huitong config`: every setting the schema knows, its effective value (the environment's, else the
 * default) and where it came from; passwords in URLs and keys masked. `--json`: one object by name.
 *
 * @example
 * printSettings(readConfig().settings, process.env, process.stdout, {}); // PORT  4000  default …
 */
export function printSettings(settings: Settings, env: Record<string, string | undefined>, out: NodeJS.WritableStream, options: { json?: boolean }): number {
  const rows = (Object.keys(settingsSchema.shape) as SettingName[]).map((name) => {
    const given = env[name] !== undefined && env[name]!.trim() !== '';
    return { name, value: maskValue(name, asText(settings[name])), source: given ? 'environment' : 'default' };
  });
  if (options.json) {
    out.write(`${JSON.stringify(Object.fromEntries(rows.map((r) => [r.name, { value: r.value, source: r.source }])), null, 2)}\n`);
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) out.write(`${r.name.padEnd(width)}  ${r.value === '' ? '(unset)' : r.value}${r.source === 'default' ? '' : '  [set]'}\n`);
  return 0;
}
