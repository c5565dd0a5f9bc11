// The `huitong` command line: every command, its options and its help, with commander. Each command's
// work is imported only when it runs, so `--help` and argument errors answer without loading the hub.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { HubConfig } from './config.js';

/** Where a command writes and what it may read: the process's by default, a test's own otherwise. */
export interface ProgramIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

const wholeNumber =
  (what: string, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new InvalidArgumentError(`${what}, not "${text}"`);
    return n;
  };
const positive = (text: string): number => {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) throw new InvalidArgumentError(`a positive number, not "${text}"`);
  return n;
};

/**
 * Builds the `huitong` program. `run` receives each command's exit code; the configuration is read
 * (and checked: ConfigError, exit 2) before a command does any work.
 *
 * @example
 * const program = buildProgram({ stdout: process.stdout, stderr: process.stderr, env: process.env }, (code) => (process.exitCode = code));
 * await program.parseAsync(['config'], { from: 'user' });
 */
export function buildProgram(io: ProgramIo, done: (code: number) => void): Command {
  const config = async (overrides: Partial<Pick<HubConfig, 'port' | 'host'>> = {}): Promise<HubConfig> => {
    const { readConfig } = await import('./config.js');
    return { ...readConfig(io.env), ...overrides };
  };
  const hub = () => import('./hub-commands.js');
  const finish = (code: number) => done(code);

  const program = new Command('huitong')
    .description('汇通 Huitong: one GraphQL hub over a district’s departmental approval systems')
    .usage('<command> [options]')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`huitong: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(huitong --help lists the commands; huitong COMMAND --help shows one with examples)')
    .addHelpText('after', `\nExit codes: 0 success, 1 failure, 2 usage or settings. Settings come from the environment: huitong config.\n`);

  program
    .command('start')
    .description('start the hub (the demo district unless HUITONG_DEMO=0 or NODE_ENV=production)')
    .option('--port <n>', 'where to listen (default PORT or 4000)', wholeNumber('a port number, 0–65535', 0, 65_535))
    .option('--host <address>', 'the address to listen on (default HOST or 127.0.0.1)')
    .addHelpText('after', examples('huitong start', 'huitong start --port 4100', 'HUITONG_DEMO=0 DATABASE_URL=postgres://hub@db/huitong huitong start'))
    .action(async (options: { port?: number; host?: string }) => {
      const settings = await config({ ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host ? { host: options.host } : {}) });
      finish(await (await hub()).startCommand(settings));
    });

  program
    .command('migrate')
    .description('bring the hub database to the latest schema')
    .addHelpText('after', examples('huitong migrate', 'DATABASE_URL=postgres://hub@db/huitong huitong migrate'))
    .action(async () => finish(await (await hub()).migrateCommand(await config())));

  program
    .command('sync')
    .description('read every department’s applicant records and relink identities (exit 1 when one could not be read)')
    .addHelpText('after', examples('huitong sync'))
    .action(async () => finish(await (await hub()).syncCommand(await config())));

  program
    .command('seed')
    .description('generate the demo district’s legacy data (once) and load the catalogue')
    .option('--scale <n>', 'data volume multiplier (200 ≈ 1M permits); over existing data only with --force', positive)
    .option('--force', 'generate again, replacing the legacy systems’ data')
    .addHelpText('after', examples('huitong seed', 'huitong seed --scale 20 --force'))
    .action(async (options: { scale?: number; force?: boolean }) => finish(await (await hub()).seedCommand(await config(), options)));

  program
    .command('calendar')
    .description('working-day calendars')
    .command('import')
    .argument('<file>', 'a JSON calendar: {"year", "source", "holidays": [dates], "workdays": [dates]}')
    .description('load a year’s working-day calendar (2023–2025 are built in)')
    .addHelpText('after', examples('huitong calendar import calendar-2026.json'))
    .action(async (file: string) => finish(await (await hub()).calendarImportCommand(await config(), file)));

  const keys = program.command('keys').description('consumers’ API keys (a new key is printed once; only its hash is stored)');
  const keysRun = async (args: string[], flags: { kind?: string; name?: string; department?: string } = {}) => {
    const settings = await config();
    const { KeysUsageError } = await import('./keys.js');
    try {
      finish(await (await hub()).keysCommand(settings, args, flags));
    } catch (error) {
      if (error instanceof KeysUsageError) keys.error(error.message, { exitCode: 2, code: 'huitong.usage' });
      throw error;
    }
  };
  keys
    .command('create')
    .argument('<consumer-id>', 'the consumer the key is for (created or updated)')
    .description('create a consumer’s key')
    .addOption(new Option('--kind <kind>', 'the consumer’s kind').choices(['DEPARTMENT', 'PORTAL', 'STEWARD']).makeOptionMandatory())
    .option('--name <name>', 'the consumer’s display name')
    .option('--department <code>', 'a DEPARTMENT consumer’s department (must be in the registry)')
    .addHelpText(
      'after',
      examples('huitong keys create portal-gov --kind PORTAL --name 区政府门户', 'huitong keys create market-app --kind DEPARTMENT --department market'),
    )
    .action(async (id: string, flags: { kind: string; name?: string; department?: string }) => keysRun(['create', id], flags));
  keys
    .command('list')
    .description('every key with its consumer (never the key itself)')
    .action(async () => keysRun(['list']));
  keys
    .command('rotate')
    .argument('<consumer-or-key-id>', 'a consumer id, or one of its key ids')
    .description('revoke a consumer’s live keys and issue a new one')
    .addHelpText('after', examples('huitong keys rotate portal-gov'))
    .action(async (id: string) => keysRun(['rotate', id]));
  keys
    .command('revoke')
    .argument('<key-id>', 'a key id from huitong keys list')
    .description('revoke one key')
    .addHelpText('after', examples('huitong keys revoke key_3f2a9c0d1e4b5a6c'))
    .action(async (id: string) => keysRun(['revoke', id]));

  const identity = program.command('identity').description('identity resolution: offline, and the review queue of a running hub');
  passThrough(identity.command('resolve').description('link JSON Lines department records offline (huitong identity resolve --help)'), async (args) => {
    const { runIdentityResolve } = await import('./identity-resolve.js');
    finish(await runIdentityResolve(args, { stdin: process.stdin, stdout: io.stdout, stderr: io.stderr }));
  });
  passThrough(
    identity.command('review').description('work through the identity review queue of a running hub (huitong identity review --help)'),
    async (args) => {
      const [{ runIdentityReview, IDENTITY_REVIEW_USAGE, IdentityReviewUsageError }, { lightIo }] = await Promise.all([
        import('./identity-review.js'),
        import('./light-entry.js'),
      ]);
      finish(await runLight(() => runIdentityReview(args, lightIo(io)), IDENTITY_REVIEW_USAGE, IdentityReviewUsageError, io));
    },
  );

  passThrough(
    program.command('departments').description('onboard and change departments from declarative specs (huitong departments --help)'),
    async (args) => {
      const [{ runDepartmentsCommand, DEPARTMENTS_USAGE, DepartmentsUsageError }, { lightIo }] = await Promise.all([
        import('./departments.js'),
        import('./light-entry.js'),
      ]);
      finish(await runLight(() => runDepartmentsCommand(args, lightIo(io)), DEPARTMENTS_USAGE, DepartmentsUsageError, io));
    },
  );

  passThrough(program.command('audit').description('the tamper-evident audit log: verify, export, checkpoint, prune (huitong audit --help)'), async (args) => {
    finish(await (await hub()).auditCommand(await config(), args));
  });

  program
    .command('subgraph')
    .argument('<code>', 'the department’s code, or identity or catalogue (over the hub database)')
    .description(
      'serve one department’s subgraph as its own HTTP service, to the gateway only (prints its URL); /federation beside /graphql is its Federation view',
    )
    .option('--host <address>', 'where to listen (default HUITONG_SUBGRAPH_HOST or 127.0.0.1)')
    .option('--port <n>', 'the port (default PORT or 4000)', wholeNumber('a port number, 0–65535', 0, 65_535))
    .addHelpText(
      'after',
      examples(
        'PORT=4101 huitong subgraph market',
        'huitong subgraph housing --host 10.0.0.5 --port 4102',
        'DATABASE_URL=postgres://… huitong subgraph identity --port 4103',
      ),
    )
    .action(async (code: string, options: { host?: string; port?: number }) => {
      const settings = await config(options.port !== undefined ? { port: options.port } : {});
      finish(await (await hub()).subgraphCommand(settings, code, options.host ?? settings.subgraphHost));
    });

  program
    .command('cluster')
    .description(
      'the hub as separate processes on one PostgreSQL database: every subgraph as its own service, gateway replicas, a round-robin proxy on the public port',
    )
    .option('--port <n>', 'where the proxy listens (default PORT or 4000)', wholeNumber('a port number, 0–65535', 0, 65_535))
    .option('--host <address>', 'the address the proxy listens on (default HOST or 127.0.0.1)')
    .option('--gateways <n>', 'how many gateway replicas (default 2)', wholeNumber('a whole number of replicas, 1–16', 1, 16))
    .addHelpText('after', examples('DATABASE_URL=postgres://hub@127.0.0.1/huitong huitong cluster', 'npm run start:cluster -- --gateways 3'))
    .action(async (options: { port?: number; host?: string; gateways?: number }) => {
      const settings = await config({ ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host ? { host: options.host } : {}) });
      const { clusterCommand } = await import('./cluster.js');
      finish(await clusterCommand(settings, { gateways: options.gateways ?? 2 }));
    });

  const serviceKey = program.command('service-key').description('the gateway’s service-token key (HUITONG_SERVICE_KEY_FILE); no secret is printed');
  const serviceKeyRun = async (args: string[], flags: { graceSeconds?: string }) => {
    const settings = await config();
    const { runServiceKeyCommand } = await import('./service-key.js');
    finish(runServiceKeyCommand(args, flags, settings.serviceKeyFile, io.stdout));
  };
  serviceKey
    .command('rotate')
    .description('add a new key, signed with at once; the previous one is accepted for the grace period')
    .option('--grace-seconds <n>', 'how long the previous key is still accepted (default 600)', wholeNumber('a whole number of seconds'))
    .addHelpText('after', examples('huitong service-key rotate', 'huitong service-key rotate --grace-seconds 3600'))
    .action(async (options: { graceSeconds?: number }) =>
      serviceKeyRun(['rotate'], options.graceSeconds !== undefined ? { graceSeconds: String(options.graceSeconds) } : {}),
    );
  serviceKey
    .command('list')
    .description('the keys in the file, without secrets')
    .action(async () => serviceKeyRun(['list'], {}));

  program
    .command('config')
    .description('print the effective settings (from the environment, defaults filled in; secrets masked)')
    .option('--json', 'one JSON object instead of a table')
    .addHelpText('after', examples('huitong config', 'PORT=4100 huitong config --json'))
    .action(async (options: { json?: boolean }) => {
      const settings = await config();
      const { printSettings } = await import('./config-command.js');
      finish(printSettings(settings.settings, io.env, io.stdout, options));
    });

  program
    .command('doctor')
    .description('check Node, the settings, the database, each department, the audit chain and the lock; a fix for each problem')
    .addHelpText('after', examples('huitong doctor', 'DATABASE_URL=postgres://hub@db/huitong huitong doctor'))
    .action(async () => {
      const { runDoctor } = await import('./doctor.js');
      finish(await runDoctor(io));
    });

  return program;
}

/** A command whose own parser reads the rest of the line (its options, its `--help`). */
function passThrough(command: Command, run: (args: string[]) => Promise<void>): Command {
  return command
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .argument('[args...]')
    .action(async (args: string[]) => run(args));
}

/** Runs a hub-talking command that reports its own usage errors: 2 with its usage, 1 for a failure. */
async function runLight(run: () => Promise<number>, usage: string, UsageErrorClass: new (...args: never[]) => Error, io: ProgramIo): Promise<number> {
  try {
    return await run();
  } catch (error) {
    io.stderr.write(`huitong: ${(error as Error).message}\n${error instanceof UsageErrorClass ? `${usage}\n` : ''}`);
    return error instanceof UsageErrorClass ? 2 : 1;
  }
}
