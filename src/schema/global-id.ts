import { INPUT_LIMITS, isPlainText } from './input-limits.js';

/**
 * Globally unique, opaque ids: `base64url("<Type>:<key>")`. Clients (Apollo Client, Relay) cache by them;
 * nobody should parse them, and keys are never personal identifiers (they are database keys).
 *
 * @example
 * const id = encodeGlobalId('Permit', 'market:SJ2023000123');
 * decodeGlobalId(id); // { type: 'Permit', key: 'market:SJ2023000123' }
 */
export function encodeGlobalId(type: string, key: string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

/**
 * The type and key inside a global id, or `null` for anything that is not one of ours: keys are
 * database keys, so an empty one or one holding a control character is not one.
 */
export function decodeGlobalId(id: string): { type: string; key: string } | null {
  if (typeof id !== 'string' || id.length === 0 || id.length > INPUT_LIMITS.id || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const type = text.slice(0, colon);
  if (!/^[A-Z][A-Za-z]*$/.test(type)) return null;
  const key = text.slice(colon + 1);
  if (!isPlainText(key, INPUT_LIMITS.id)) return null;
  return { type, key };
}
