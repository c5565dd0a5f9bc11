import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One shared key of the gateway and its subgraph services, as stored (the secret never leaves the file). */
export interface StoredServiceKey {
  kid: string;
  /** 32 random bytes, base64url. */
  secret: string;
  createdAt: string;
  /** Null for the current key; set when a rotation retires it: verified until then, never signed with. */
  retiresAt: string | null;
}

interface ServiceKeyFile {
  format: 'huitong-service-keys/v1';
  keys: StoredServiceKey[];
}

/** The keys of a service key file, re-read when the file changes (a rotation), as a process sees them. */
export interface ServiceKeyring {
  readonly file: string;
  /** The key to sign with: the newest one not retired. */
  signingKey(): { kid: string; key: KeyObject };
  /** The key with this id while it is still accepted (current, or retired less than its grace ago). */
  verificationKey(kid: string): KeyObject | undefined;
}

/** A keyring reads its file again at most this often, unless asked for a key it does not know. */
const RECHECK_MS = 1000;

export class ServiceKeyError extends Error {
  override name = 'ServiceKeyError';
}

function readKeyFile(file: string): ServiceKeyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ServiceKeyError(`no service key file at ${file}: create one with \`huitong service-key rotate\` (HUITONG_SERVICE_KEY_FILE names it)`);
  }
  let parsed: Partial<ServiceKeyFile>;
  try {
    parsed = JSON.parse(text) as Partial<ServiceKeyFile>;
  } catch {
    throw new ServiceKeyError(`${file} is not a service key file`);
  }
  const valid = (k: Partial<StoredServiceKey> | null) =>
    typeof k === 'object' &&
    k !== null &&
    typeof k.kid === 'string' &&
    typeof k.secret === 'string' &&
    Buffer.from(k.secret, 'base64url').length >= 32 &&
    (k.retiresAt === null || typeof k.retiresAt === 'string');
  if (parsed.format !== 'huitong-service-keys/v1' || !Array.isArray(parsed.keys) || !parsed.keys.every(valid))
    throw new ServiceKeyError(`${file} is not a service key file`);
  return parsed as ServiceKeyFile;
}

/**
 * Opens the service key file shared by the gateway and every subgraph service (`HUITONG_SERVICE_KEY_FILE`).
 * Throws a `ServiceKeyError` fit for the operator when it is missing or malformed. The file is read again
 * when it changes, so a rotation reaches running processes without a restart.
 *
 * @example
 * const keyring = openServiceKeyring('/etc/huitong/service-keys.json');
 * const { kid, key } = keyring.signingKey();
 */
export function openServiceKeyring(file: string, options: { now?: () => number } = {}): ServiceKeyring {
  const now = options.now ?? Date.now;
  let keys = readKeyFile(file).keys;
  let version = fileVersion(file);
  let checkedAt = now();
  const secrets = new Map<string, KeyObject>();
  const secretOf = (k: StoredServiceKey) => {
    let key = secrets.get(k.kid);
    if (!key) secrets.set(k.kid, (key = createSecretKey(Buffer.from(k.secret, 'base64url'))));
    return key;
  };
  const refresh = (force: boolean) => {
    if (!force && now() - checkedAt < RECHECK_MS) return;
    checkedAt = now();
    const current = fileVersion(file);
    if (current === version) return;
    try {
      keys = readKeyFile(file).keys;
      version = current;
    } catch {
      // Caught mid-write or removed: keep the keys we have and look again next time.
    }
  };
  const accepted = (k: StoredServiceKey) => k.retiresAt === null || Date.parse(k.retiresAt) > now();
  return {
    file,
    signingKey() {
      refresh(false);
      const current = keys.filter((k) => k.retiresAt === null).at(-1);
      if (!current) throw new ServiceKeyError(`${file} holds no current service key: run \`huitong service-key rotate\``);
      return { kid: current.kid, key: secretOf(current) };
    },
    verificationKey(kid) {
      refresh(false);
      let found = keys.find((k) => k.kid === kid);
      if (!found) {
        refresh(true);
        found = keys.find((k) => k.kid === kid);
      }
      return found && accepted(found) ? secretOf(found) : undefined;
    },
  };
}

const fileVersion = (file: string) => {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.mtimeMs}:${stat.size}:${stat.ino}` : 'missing';
};

/**
 * Adds a new current key to the service key file (creating it), retires the current one after a grace
 * period — during which both are accepted, so requests signed just before the rotation still pass and
 * hosts can be given the new file — and drops keys whose grace has ended. Written aside and renamed into
 * place (mode 0600). Returns no secret.
 *
 * @example
 * rotateServiceKeys('/etc/huitong/service-keys.json', { graceSeconds: 600 });
 */
export function rotateServiceKeys(
  file: string,
  options: { graceSeconds?: number; now?: Date } = {},
): { kid: string; retiring: Array<{ kid: string; retiresAt: string }>; dropped: string[] } {
  const now = options.now ?? new Date();
  const grace = options.graceSeconds ?? 600;
  if (!Number.isInteger(grace) || grace < 0) throw new ServiceKeyError('the grace period must be a whole number of seconds');
  let existing: StoredServiceKey[] = [];
  if (statSync(file, { throwIfNoEntry: false })) existing = readKeyFile(file).keys;
  const dropped = existing.filter((k) => k.retiresAt !== null && Date.parse(k.retiresAt) <= now.getTime()).map((k) => k.kid);
  const retiresAt = new Date(now.getTime() + grace * 1000).toISOString();
  const kept = existing.filter((k) => !dropped.includes(k.kid)).map((k) => (k.retiresAt === null ? { ...k, retiresAt } : k));
  const kid = `sk-${now.toISOString().replace(/[-:]|\.\d+Z$/g, '')}-${randomBytes(3).toString('hex')}`;
  const keys = [...kept, { kid, secret: randomBytes(32).toString('base64url'), createdAt: now.toISOString(), retiresAt: null }];
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const pending = `${file}.${process.pid}.tmp`;
  writeFileSync(pending, `${JSON.stringify({ format: 'huitong-service-keys/v1', keys } satisfies ServiceKeyFile, null, 1)}\n`, { mode: 0o600 });
  renameSync(pending, file);
  return {
    kid,
    retiring: kept.filter((k) => existing.some((e) => e.kid === k.kid && e.retiresAt === null)).map((k) => ({ kid: k.kid, retiresAt: k.retiresAt! })),
    dropped,
  };
}

/**
 * The keys in a service key file, without their secrets (`huitong service-key list`).
 *
 * @example
 * for (const k of listServiceKeys(file)) console.log(k.kid, k.retiresAt ?? 'current');
 */
export function listServiceKeys(file: string): Array<Omit<StoredServiceKey, 'secret'>> {
  return readKeyFile(file).keys.map(({ secret: _secret, ...rest }) => rest);
}
