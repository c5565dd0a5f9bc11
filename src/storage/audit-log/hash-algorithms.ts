import { createHash, getHashes } from 'node:crypto';
import { sm3Hex } from './sm3.js';

/**
 * The chain's hash algorithms. SHA-256 by default; SM3 (国密, GB/T 32905) where a state standard
 * (e.g. GM/T 0054 for government information systems) requires domestic cryptography. Every event row
 * stores its algorithm, so one chain may switch algorithm and still verify.
 */
export const AUDIT_HASH_ALGORITHMS = ['sha256', 'sm3'] as const;
export type AuditHashAlgorithm = (typeof AUDIT_HASH_ALGORITHMS)[number];

const nodeHasSm3 = getHashes().includes('sm3');

/** Whether a string names a supported algorithm (for reading configuration and stored rows). */
export function isAuditHashAlgorithm(value: unknown): value is AuditHashAlgorithm {
  return typeof value === 'string' && (AUDIT_HASH_ALGORITHMS as readonly string[]).includes(value);
}

/**
 * Lower-case hex digest of the UTF-8 bytes of `text`.
 *
 * @example
 * hashText('sm3', 'abc'); // '66c7f0f4…8f4ba8e0'
 */
export function hashText(algorithm: AuditHashAlgorithm, text: string): string {
  if (algorithm === 'sha256') return createHash('sha256').update(text, 'utf8').digest('hex');
  if (algorithm === 'sm3') return nodeHasSm3 ? createHash('sm3').update(text, 'utf8').digest('hex') : sm3Hex(Buffer.from(text, 'utf8'));
  throw new Error(`unknown audit hash algorithm ${String(algorithm)}`);
}

/** The `prev` of the first event ever written: both algorithms give 32-byte digests. */
export const GENESIS_HASH = '0'.repeat(64);
