import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Ed25519 keys for checkpoint signatures. The private key lives outside the database (a PEM file or
 * an environment variable the caller reads): whoever can write the audit tables still cannot sign a
 * checkpoint, which is what makes an edited or truncated log detectable.
 */

/** A PEM string, a DER/PEM buffer or a node KeyObject. */
export type AuditKeyInput = string | Buffer | KeyObject;

/** Signs checkpoint statements; `keyId` names the public key so verifiers can hold several (rotation). */
export interface AuditSigner {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  sign(text: string): string;
}

/**
 * A fresh Ed25519 key pair as PEM text, with its key id.
 *
 * @example
 * const { privateKeyPem, publicKeyPem, keyId } = generateAuditKeyPair();
 */
export function generateAuditKeyPair(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: auditKeyId(publicKey),
  };
}

/**
 * The key id: the first 16 hex digits of SHA-256 over the public key's SPKI DER, the same for a
 * private key and its public half.
 *
 * @example
 * auditKeyId(readFileSync('audit-public.pem', 'utf8')); // '3f9a0c…'
 */
export function auditKeyId(key: AuditKeyInput): string {
  const der = toPublicKey(key).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/**
 * The public half of any key input (a private key yields its public key).
 *
 * @example
 * const publicKey = toPublicKey(privatePem);
 */
export function toPublicKey(key: AuditKeyInput): KeyObject {
  const object = typeof key === 'string' || Buffer.isBuffer(key) ? parseKey(key) : key;
  const publicKey = object.type === 'private' ? createPublicKey(object) : object;
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`audit keys are Ed25519, got ${publicKey.asymmetricKeyType ?? publicKey.type}`);
  return publicKey;
}

function parseKey(key: string | Buffer): KeyObject {
  const text = key.toString();
  return text.includes('PRIVATE KEY') ? createPrivateKey(text) : createPublicKey(text);
}

/**
 * A signer over an Ed25519 private key (PEM text or KeyObject).
 *
 * @example
 * const signer = createAuditSigner(readFileSync(env.HUITONG_AUDIT_SIGNING_KEY_FILE!, 'utf8'));
 */
export function createAuditSigner(privateKey: AuditKeyInput): AuditSigner {
  const key = typeof privateKey === 'string' || Buffer.isBuffer(privateKey) ? createPrivateKey(privateKey.toString()) : privateKey;
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw new Error('the audit signing key must be an Ed25519 private key');
  const publicKey = createPublicKey(key);
  return {
    keyId: auditKeyId(publicKey),
    publicKey,
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), key).toString('base64'),
  };
}

/** Checks an Ed25519 signature (base64) over the UTF-8 bytes of `text`; never throws on a malformed one. */
export function verifyAuditSignature(publicKey: KeyObject, text: string, signatureBase64: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/** Public keys by key id, from one key or several (old keys stay valid for old checkpoints). */
export function publicKeysById(keys: AuditKeyInput | readonly AuditKeyInput[]): Map<string, KeyObject> {
  const list = Array.isArray(keys) ? keys : [keys as AuditKeyInput];
  return new Map(
    list.map((k) => {
      const publicKey = toPublicKey(k);
      return [auditKeyId(publicKey), publicKey] as const;
    }),
  );
}

/**
 * The demo district's audit keys: `<dataDir>/keys/audit-signing.pem` (mode 0600) and
 * `audit-public.pem`, created once. Outside the database directory on purpose: a copy of the database
 * alone must not carry the means to re-sign it. Production keys come from the operator, not from here.
 *
 * @example
 * const { signingKeyFile, publicKeyFile } = ensureDemoAuditKeys(config.dataDir);
 */
export function ensureDemoAuditKeys(dataDir: string): { signingKeyFile: string; publicKeyFile: string; created: boolean } {
  const dir = join(dataDir, 'keys');
  const signingKeyFile = join(dir, 'audit-signing.pem');
  const publicKeyFile = join(dir, 'audit-public.pem');
  if (existsSync(signingKeyFile) && existsSync(publicKeyFile)) return { signingKeyFile, publicKeyFile, created: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(signingKeyFile)) {
    // Never replace an existing signing key: its checkpoints would stop verifying. Re-derive the public half.
    writeFileSync(publicKeyFile, toPublicKey(readFileSync(signingKeyFile, 'utf8')).export({ type: 'spki', format: 'pem' }).toString(), { mode: 0o644 });
    return { signingKeyFile, publicKeyFile, created: false };
  }
  const pair = generateAuditKeyPair();
  writeFileSync(signingKeyFile, pair.privateKeyPem, { mode: 0o600 });
  writeFileSync(publicKeyFile, pair.publicKeyPem, { mode: 0o644 });
  return { signingKeyFile, publicKeyFile, created: true };
}
