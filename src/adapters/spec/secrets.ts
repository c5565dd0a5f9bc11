import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ValueOrRef } from './department-spec.js';

/** Where settings that may be secrets come from: the environment, and a directory of one file per secret. */
export interface SecretSources {
  env: Record<string, string | undefined>;
  /** `HUITONG_SECRETS_DIR`; a `{ secret: NAME }` reference reads the file NAME there (trailing newline dropped). */
  secretsDir?: string | undefined;
}

/**
 * A spec setting's value: as written, from `{ env: NAME }`, or from `{ secret: NAME }`. Throws an Error
 * naming the variable or file (never its content) when it is missing.
 *
 * @example
 * resolveValue({ env: 'HUITONG_MARKET_DB_URL' }, { env: process.env }); // 'postgres://…'
 */
export function resolveValue(value: ValueOrRef, sources: SecretSources): string {
  if (typeof value === 'string') return value;
  if ('env' in value) {
    const resolved = sources.env[value.env];
    if (resolved === undefined || resolved === '') throw new Error(`environment variable ${value.env} is not set`);
    return resolved;
  }
  if (!sources.secretsDir) throw new Error(`secret ${value.secret} is named but HUITONG_SECRETS_DIR is not set`);
  try {
    return readFileSync(join(sources.secretsDir, value.secret), 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new Error(`secret file ${value.secret} cannot be read in the secrets directory`);
  }
}
