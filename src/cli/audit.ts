// `huitong audit verify|export|checkpoint|prune`: the tamper-evident audit log from the command line.
// Keys never live in the database: the public key verifies, the private key (hub only) signs.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import {
  checkpointAuditChain,
  createAuditSigner,
  exportAuditRange,
  isAuditHashAlgorithm,
  MIN_AUDIT_RETENTION_DAYS,
  openAuditAnchor,
  pruneAuditEvents,
  readAuditAnchor,
  toPublicKey,
  verifyAuditChain,
  type AuditHashAlgorithm,
  type AuditSigner,
} from '../storage/audit-log/index.js';

export interface AuditCommandDeps {
  openHubDatabase(): Promise<{ db: Kysely<any>; close(): Promise<void> }>;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `usage: huitong audit <command>

commands:
  verify [--anchor FILE]...         walk the chain and its signed checkpoints, and check that the log still holds
                                    every checkpoint the anchor file(s) recorded; prints OK or the first broken link
  export --from ISO --to ISO [--out FILE]
                                    events in [from, to) with what an offline verifier needs (JSON; stdout without --out)
  checkpoint                        sign the chain head now (needs the signing key)
  prune [--older-than ISO]          delete events past the retention period behind a signed anchor (needs the signing key)

environment:
  HUITONG_AUDIT_PUBLIC_KEY_FILE     Ed25519 public key (PEM) for verify
  HUITONG_AUDIT_SIGNING_KEY_FILE    Ed25519 private key (PEM), kept outside the database
  HUITONG_AUDIT_HASH                sha256 (default) | sm3
  HUITONG_AUDIT_RETENTION_DAYS      at least ${MIN_AUDIT_RETENTION_DAYS} (default)
  HUITONG_AUDIT_ANCHOR_FILE         the anchor file: checkpoint and prune append to it; verify reads it without --anchor

exit codes: 0 ok, 1 broken chain or failure, 2 usage`;

/** The audit settings from the environment; throws a message fit for the operator. */
export function readAuditEnv(env: Record<string, string | undefined>): {
  signingKeyFile: string | undefined;
  publicKeyFile: string | undefined;
  hash: AuditHashAlgorithm;
  retentionDays: number;
  anchorFile: string | undefined;
} {
  const hash = env.HUITONG_AUDIT_HASH || 'sha256';
  if (!isAuditHashAlgorithm(hash)) throw new Error(`HUITONG_AUDIT_HASH must be sha256 or sm3, got ${hash}`);
  const retentionDays = Number(env.HUITONG_AUDIT_RETENTION_DAYS || MIN_AUDIT_RETENTION_DAYS);
  if (!Number.isInteger(retentionDays) || retentionDays < MIN_AUDIT_RETENTION_DAYS) {
    throw new Error(`HUITONG_AUDIT_RETENTION_DAYS must be a whole number of days, at least ${MIN_AUDIT_RETENTION_DAYS} (网络安全法 Art. 21)`);
  }
  return {
    signingKeyFile: env.HUITONG_AUDIT_SIGNING_KEY_FILE || undefined,
    publicKeyFile: env.HUITONG_AUDIT_PUBLIC_KEY_FILE || undefined,
    hash,
    retentionDays,
    anchorFile: env.HUITONG_AUDIT_ANCHOR_FILE || undefined,
  };
}

class UsageError extends Error {}

/**
 * Runs `huitong audit …`; returns the exit code (0 ok, 1 broken chain or failure, 2 usage).
 *
 * @example
 * const code = await runAuditCommand(['verify'], { openHubDatabase, env: process.env, stdout: process.stdout, stderr: process.stderr });
 */
export async function runAuditCommand(args: string[], deps: AuditCommandDeps): Promise<number> {
  const say = (s: string) => deps.stderr.write(`${s}\n`);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        'older-than': { type: 'string' },
        anchor: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    say(`huitong audit: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help) {
    deps.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (!command) throw new UsageError('missing command');
    if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
    const settings = readAuditEnv(deps.env);
    switch (command) {
      case 'verify':
        return await withDatabase(deps, async (db) => {
          const publicKey = await readPublicKey(settings);
          // The configured anchor file is used when it exists; one named with --anchor must be readable.
          const files = parsed.values.anchor ?? (settings.anchorFile && existsSync(settings.anchorFile) ? [settings.anchorFile] : []);
          const anchor = files.flatMap((file) => {
            try {
              return readAuditAnchor(file);
            } catch (error) {
              throw new Error(`cannot read the anchor ${file}: ${(error as Error).message}`);
            }
          });
          if (files.length === 0)
            say('note: verified without an anchor (--anchor FILE): a tail deleted together with its checkpoints, or a wiped log, would not show');
          const result = await verifyAuditChain(db, { publicKey, ...(files.length ? { anchor } : {}) });
          const anchored = result.anchor ? `; anchor: ${result.anchor.checkpoints} checkpoints up to seq ${result.anchor.lastSeq ?? 'none'}` : '';
          const counts = `${result.events} events${result.firstSeq === null ? '' : ` (seq ${result.firstSeq}–${result.lastSeq})`}, ${result.checkpoints} checkpoints, last signed at seq ${result.lastCheckpointSeq ?? 'none'}${anchored}`;
          if (result.ok) {
            deps.stdout.write(
              `OK: ${counts}${result.unsignedEvents ? `; ${result.unsignedEvents} event(s) after the last checkpoint are chain-protected only` : ''}\n`,
            );
            return 0;
          }
          deps.stdout.write(`BROKEN at seq ${result.broken.seq}: ${result.broken.problem} — ${result.broken.detail}\n(${counts})\n`);
          return 1;
        });
      case 'export': {
        const from = parseTime(parsed.values.from, '--from');
        const to = parseTime(parsed.values.to, '--to');
        if (!(from < to)) throw new UsageError('--from must be before --to');
        return await withDatabase(deps, async (db) => {
          const signer = settings.signingKeyFile ? await readSigner(settings.signingKeyFile) : undefined;
          const exported = await exportAuditRange(db, { from, to, ...(signer ? { signer } : {}) });
          const text = `${JSON.stringify(exported, null, 1)}\n`;
          if (parsed.values.out) await writeFile(parsed.values.out, text, { mode: 0o600 });
          else deps.stdout.write(text);
          const inRange = exported.events.filter((e) => e.canonical !== undefined).length;
          say(
            `exported ${exported.events.length} events (${inRange} with text, including boundaries) and ${exported.checkpoints.length} signed checkpoint(s)${parsed.values.out ? ` to ${parsed.values.out}` : ''}`,
          );
          return 0;
        });
      }
      case 'checkpoint':
        return await withDatabase(deps, async (db) => {
          const checkpoint = await checkpointAuditChain(db, { signer: await readSigner(requireSigningKey(settings.signingKeyFile)), ...anchorOf(settings) });
          deps.stdout.write(
            checkpoint
              ? `signed seq ${checkpoint.seq} head ${checkpoint.head} at ${checkpoint.signedAt} (key ${checkpoint.keyId})\n`
              : 'the audit log is empty\n',
          );
          return 0;
        });
      case 'prune': {
        const olderThan = parsed.values['older-than'] === undefined ? undefined : parseTime(parsed.values['older-than'], '--older-than');
        return await withDatabase(deps, async (db) => {
          const signer = await readSigner(requireSigningKey(settings.signingKeyFile));
          const result = await pruneAuditEvents(db, {
            signer,
            retentionDays: settings.retentionDays,
            ...(olderThan ? { olderThan } : {}),
            ...anchorOf(settings),
          });
          deps.stdout.write(
            result.anchorSeq === null
              ? 'nothing to prune\n'
              : `pruned ${result.pruned} events; the log now starts after the signed anchor at seq ${result.anchorSeq}\n`,
          );
          return 0;
        });
      }
      default:
        throw new UsageError(`unknown audit command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      say(`huitong audit: ${error.message}\n${USAGE}`);
      return 2;
    }
    say(`huitong audit: ${(error as Error).message}`);
    return 1;
  }
}

async function withDatabase(deps: AuditCommandDeps, run: (db: Kysely<any>) => Promise<number>): Promise<number> {
  const database = await deps.openHubDatabase();
  try {
    return await run(database.db);
  } finally {
    await database.close();
  }
}

/** The anchor file checkpoints and pruning anchors are appended to, when one is configured. */
const anchorOf = (settings: ReturnType<typeof readAuditEnv>) => (settings.anchorFile ? { anchor: openAuditAnchor(settings.anchorFile) } : {});

function parseTime(value: string | undefined, flag: string): Date {
  if (value === undefined) throw new UsageError(`${flag} ISO-TIME is required`);
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new UsageError(`${flag} is not an ISO time: ${value}`);
  return time;
}

function requireSigningKey(file: string | undefined): string {
  if (!file) throw new Error('HUITONG_AUDIT_SIGNING_KEY_FILE is not set');
  return file;
}

async function readSigner(file: string): Promise<AuditSigner> {
  return createAuditSigner(await readFile(file, 'utf8'));
}

/** The public key file; failing that, the public half of the signing key (on the hub's own host). */
async function readPublicKey(settings: ReturnType<typeof readAuditEnv>) {
  if (settings.publicKeyFile) return toPublicKey(await readFile(settings.publicKeyFile, 'utf8'));
  if (settings.signingKeyFile) return toPublicKey(await readFile(settings.signingKeyFile, 'utf8'));
  throw new Error('set HUITONG_AUDIT_PUBLIC_KEY_FILE to the audit public key (PEM)');
}
