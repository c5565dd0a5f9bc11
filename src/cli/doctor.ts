// `huitong doctor`: checks what a hub needs, one line per check, and a fix for each problem found.
import { Writable } from 'node:stream';
import { join } from 'node:path';
import type { HubConfig } from './config.js';
import type { ProgramIo } from './program.js';

/** One check's outcome: `fix` says what to do when it failed. */
export interface Finding {
  check: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const MIN_NODE_MAJOR = 20;
const DEPARTMENT_TIMEOUT_MS = 5000;

/**
 * Runs every check and prints one line each (✓ or ✗, with a fix); exit code 1 when any failed. With a
 * hub running on this data directory (it holds the lock), the database, departments and audit chain are
 * checked through its /readyz and /healthz/departments, as a second process may not open its directory.
 *
 * @example
 * process.exitCode = await runDoctor({ stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runDoctor(io: ProgramIo): Promise<number> {
  const findings = await diagnose(io.env);
  for (const f of findings) io.stdout.write(`${f.ok ? '✓' : '✗'} ${f.check}: ${f.detail}${f.ok || !f.fix ? '' : `\n    fix: ${f.fix}`}\n`);
  const problems = findings.filter((f) => !f.ok).length;
  io.stdout.write(problems ? `${problems} problem(s) found\n` : 'no problems found\n');
  return problems ? 1 : 0;
}

/**
 * Every check's finding, in order: Node, settings, the lock, the database, departments, the audit chain.
 *
 * @example
 * const failed = (await diagnose(process.env)).filter((f) => !f.ok);
 */
export async function diagnose(env: Record<string, string | undefined>): Promise<Finding[]> {
  const findings: Finding[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  findings.push(
    major >= MIN_NODE_MAJOR
      ? { check: 'node', ok: true, detail: `Node ${process.versions.node}` }
      : { check: 'node', ok: false, detail: `Node ${process.versions.node} is too old`, fix: `install Node ${MIN_NODE_MAJOR} or newer` },
  );

  let config: HubConfig;
  try {
    config = (await import('./config.js')).readConfig(env);
    findings.push({ check: 'settings', ok: true, detail: 'every setting is valid (huitong config shows them)' });
  } catch (error) {
    findings.push({
      check: 'settings',
      ok: false,
      detail: (error as Error).message.replaceAll('\n', '; '),
      fix: 'set each named variable to the form it accepts (docs/configuration.md), or unset it for the default',
    });
    return findings;
  }

  const { lockHolder } = await import('../storage/index.js');
  const holder = config.databaseUrl ? null : lockHolder(config.hubDataDir);
  if (holder && holder !== 'stale') {
    findings.push({ check: 'lock', ok: true, detail: `a hub runs as process ${holder.pid} and holds ${config.hubDataDir}` });
    return [...findings, ...(await throughRunningHub(config))];
  }
  findings.push({
    check: 'lock',
    ok: true,
    detail:
      holder === 'stale'
        ? `${config.hubDataDir} has a lock left by a process that is gone; the next command takes it over`
        : config.databaseUrl
          ? 'PostgreSQL: no directory lock (several hubs may share the database)'
          : `${config.hubDataDir} is free (no hub running)`,
  });
  return [...findings, ...(await directly(config, env))];
}

/** The database, departments and audit chain of a hub that is not running, opened here. */
async function directly(config: HubConfig, env: Record<string, string | undefined>): Promise<Finding[]> {
  const findings: Finding[] = [];
  const [{ openDatabase }, { describeFailure }] = await Promise.all([import('../storage/index.js'), import('./cli-errors.js')]);
  let database;
  try {
    database = await openDatabase<any>(config.databaseUrl ? { url: config.databaseUrl } : { dir: config.hubDataDir });
    await database.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
  } catch (error) {
    findings.push({
      check: 'database',
      ok: false,
      detail: describeFailure(error).message,
      fix: config.databaseUrl ? 'start PostgreSQL or correct DATABASE_URL' : `check that ${config.hubDataDir} is writable`,
    });
    await database?.close().catch(() => {});
    return findings;
  }
  try {
    const { pendingMigrations } = await import('../storage/migrate.js');
    const pending = await pendingMigrations(database.db);
    findings.push(
      pending.length === 0
        ? { check: 'database', ok: true, detail: `${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.hubDataDir}`} answers, schema up to date` }
        : {
            check: 'database',
            ok: false,
            detail: `${pending.length} migration(s) not applied (${pending.slice(0, 3).join(', ')}${pending.length > 3 ? ', …' : ''})`,
            fix: 'huitong migrate (huitong start also applies them)',
          },
    );
    if (pending.length === 0) {
      findings.push(...(await departmentsDirectly(database.db, config, env)));
      findings.push(await auditChain(config, database));
    }
  } finally {
    await database.close();
  }
  return findings;
}

/** Each enabled department: its system asked for one permit, under a deadline. */
async function departmentsDirectly(db: any, config: HubConfig, env: Record<string, string | undefined>): Promise<Finding[]> {
  const [{ listDepartments }, { adapterKinds }, { openSpecAdapter }, { sampleSpec }, { silentLogger }] = await Promise.all([
    import('../gateway/departments/registry-store.js'),
    import('../adapters/kinds.js'),
    import('../adapters/open-spec-adapter.js'),
    import('../adapters/core/sample-spec.js'),
    import('../logging/logger.js'),
  ]);
  const entries = (await listDepartments(db)).filter((e) => e.adapterKind !== 'catalogue');
  if (entries.length === 0) {
    return [
      {
        check: 'departments',
        ok: !config.demo,
        detail: 'none in the registry',
        fix: config.demo ? 'huitong start seeds the demo district' : 'huitong departments add SPEC.yaml (see README: Add a department)',
      },
    ];
  }
  const demo = config.demo ? await (await import('../demo/demo-district.js')).startDemoSystems(config.dataDir, env) : null;
  try {
    const opening = { kinds: adapterKinds, env: demo?.env ?? env, secretsDir: env.HUITONG_SECRETS_DIR, dataDir: config.dataDir, logger: silentLogger };
    const findings: Finding[] = [];
    for (const entry of entries) {
      const check = `department ${entry.code}`;
      if (!entry.enabled) {
        findings.push({ check, ok: true, detail: 'disabled (huitong departments enable to serve it again)' });
        continue;
      }
      if (entry.url) {
        findings.push({ check, ok: true, detail: `served as its own service at ${entry.url} (the running hub reports its health)` });
        continue;
      }
      try {
        const { adapter } = await openSpecAdapter(entry.spec, opening);
        try {
          await sampleSpec(adapter, { limit: 1, signal: AbortSignal.timeout(DEPARTMENT_TIMEOUT_MS) });
          findings.push({ check, ok: true, detail: `its ${entry.adapterKind} system answers` });
        } finally {
          await adapter.connector.close?.();
        }
      } catch (error) {
        findings.push({
          check,
          ok: false,
          detail: `its ${entry.adapterKind} system cannot be read: ${(error as Error).message}`,
          fix: `check the connection its spec names (huitong departments show ${entry.code}; huitong departments validate SPEC.yaml contacts it)`,
        });
      }
    }
    return findings;
  } finally {
    await demo?.stop();
  }
}

/** `huitong audit verify` over the open database, its output kept for the finding. */
async function auditChain(config: HubConfig, database: { db: any }): Promise<Finding> {
  const { auditCommandEnv } = await import('./hub-commands.js');
  const { runAuditCommand } = await import('./audit.js');
  let out = '';
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      out += String(chunk);
      callback();
    },
  });
  try {
    const code = await runAuditCommand(['verify'], {
      openHubDatabase: async () => ({ db: database.db, close: async () => {} }) as any,
      env: auditCommandEnv(config),
      stdout: sink,
      stderr: sink,
    });
    const summary = out.trim().split('\n').filter(Boolean).at(-1) ?? '';
    return code === 0
      ? { check: 'audit chain', ok: true, detail: summary }
      : {
          check: 'audit chain',
          ok: false,
          detail: out.trim().replaceAll('\n', '; '),
          fix: 'huitong audit verify --anchor FILE says what is missing; see docs/operations.md#the-audit-anchor',
        };
  } catch (error) {
    return { check: 'audit chain', ok: false, detail: (error as Error).message, fix: 'check HUITONG_AUDIT_PUBLIC_KEY_FILE and the anchor file' };
  }
}

/** Through a hub that runs: its /readyz (database, audit chain, identity sync) and /healthz/departments. */
async function throughRunningHub(config: HubConfig): Promise<Finding[]> {
  const base = (config.settings.HUITONG_URL ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, '').replace(/\/graphql$/, '');
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(DEPARTMENT_TIMEOUT_MS) });
    return { status: response.status, body: (await response.json()) as any };
  };
  let ready;
  try {
    ready = await get('/readyz');
  } catch (error) {
    return [
      {
        check: 'database',
        ok: false,
        detail: `the hub holding ${config.hubDataDir} does not answer at ${base} (${(error as Error).message})`,
        fix: `set PORT or HUITONG_URL to where it listens, or restart it (${join(config.hubDataDir, 'huitong.lock')} names its process)`,
      },
    ];
  }
  const findings: Finding[] = [
    ready.status === 200
      ? { check: 'database', ok: true, detail: `the running hub at ${base} is ready (its database answers)` }
      : { check: 'database', ok: false, detail: `the running hub at ${base} is not ready (${ready.status})`, fix: 'wait for it to start, or read its log' },
  ];
  const { departments } = (await get('/healthz/departments')).body as { departments: Record<string, any> };
  for (const [code, health] of Object.entries(departments ?? {})) {
    if (!health) continue;
    const down = health.circuit !== 'CLOSED';
    findings.push(
      down
        ? {
            check: `department ${code}`,
            ok: false,
            detail: `circuit ${health.circuit}${health.lastError ? `, last error ${health.lastError.reason} at ${health.lastError.at}` : ''}`,
            fix: `check ${code}'s system and its connection (huitong departments show ${code})`,
          }
        : { check: `department ${code}`, ok: true, detail: 'answering' },
    );
  }
  const chain = ready.body.audit?.chain;
  findings.push(
    chain === 'shorter-than-anchor'
      ? {
          check: 'audit chain',
          ok: false,
          detail: 'shorter than its anchor: signed events are gone from the database',
          fix: 'huitong audit verify --anchor FILE (after stopping the hub) says what is missing',
        }
      : { check: 'audit chain', ok: true, detail: chain ? `anchor check ${chain}` : 'no anchor configured' },
  );
  const sync = ready.body.identitySync;
  if (sync?.status === 'failing')
    findings.push({
      check: 'identity sync',
      ok: false,
      detail: `${sync.consecutiveFailures} failed in a row: ${sync.lastError}`,
      fix: 'read the hub log for "identity sync failed"; huitong sync (with the hub stopped) shows the error',
    });
  return findings;
}
