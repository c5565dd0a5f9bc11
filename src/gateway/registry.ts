/**
 * A department's connection with `{ env: NAME }` references replaced from `env`; an unset variable is
 * an error naming the variable only.
 *
 * @example
 * resolveConnection({ url: { env: 'HUITONG_HOUSING_API_URL' } }, process.env); // { url: 'http://…' }
 */
export function resolveConnection(connection: Record<string, unknown>, env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(connection)) {
    if (value && typeof value === 'object' && typeof (value as { env?: unknown }).env === 'string') {
      const name = (value as { env: string }).env;
      const resolved = env[name];
      if (resolved === undefined || resolved === '') throw new Error(`environment variable ${name} is not set`);
      out[key] = resolved;
    } else out[key] = value;
  }
  return out;
}
