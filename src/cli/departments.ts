import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hubEndpoint, postToHub } from './hub-request.js';
import type { SampleReport } from '../adapters/core/sample-spec.js';
import { formatIssue, SpecError, type SpecIssue } from '../adapters/spec/spec-issue.js';

export const DEPARTMENTS_USAGE = `usage: huitong departments <command> [options]

commands:
  validate SPEC [--offline]      check a spec (YAML or JSON): its shape offline; online also its system,
                                 sampling up to --sample rows within --timeout seconds
  validate SPEC --hub            the same check done by the running hub (needed when the hub holds the
                                 system, e.g. a PGlite directory it serves; has one owner process)
  add SPEC [--note TEXT]         register a department from its spec (checked first), live without restart
  update SPEC [--note TEXT] [--force]
                                 a new version of a department's spec; --force allows breaking changes
  rollback CODE [--to VERSION] [--force]
                                 make an earlier version active again (the previous one by default)
  disable CODE [--purge]         stop serving a department; --purge also deletes what the identity
                                 crosswalk holds from it (names, identifiers, links)
  enable CODE                    serve a disabled department again
  list                           every registered department
  show CODE                      one department and every version of its spec
options:
  --url URL     the running hub (default http://127.0.0.1:$PORT, PORT defaulting to 4000)
  --key KEY     a data steward's API key (default HUITONG_KEY, or the demo steward's key in demo mode)
  --json        print the answer as JSON
examples:
  huitong departments validate examples/urban/urban.yaml
  huitong departments add examples/urban/urban.yaml --note "onboarding 城管局"
  huitong departments rollback urban`;

export class DepartmentsUsageError extends Error {}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** The demo steward's key when the hub runs the demo district. */
  demoKey?: string | undefined;
}

/**
 * `huitong departments …`: validate specs offline or against their systems here, and change the
 * registry of a running hub through its steward-only GraphQL mutations (so every change is checked,
 * audited and swapped in live exactly as over the API). Exit codes: 0 done, 1 refused or failed, 2 usage.
 *
 * @example
 * await runDepartmentsCommand(['validate', 'urban.yaml', '--offline'], { stdout, stderr, env: process.env });
 */
export async function runDepartmentsCommand(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        offline: { type: 'boolean' },
        hub: { type: 'boolean' },
        force: { type: 'boolean' },
        purge: { type: 'boolean' },
        note: { type: 'string' },
        to: { type: 'string' },
        url: { type: 'string' },
        key: { type: 'string' },
        json: { type: 'boolean' },
        sample: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new DepartmentsUsageError((error as Error).message);
  }
  const [command, target, ...extra] = parsed.positionals;
  const flags = parsed.values;
  if (flags.help || !command) {
    io.stdout.write(`${DEPARTMENTS_USAGE}\n`);
    return command || flags.help ? 0 : 2;
  }
  if (extra.length > 0) throw new DepartmentsUsageError(`unexpected argument ${extra[0]}`);
  const needsTarget = ['validate', 'add', 'update', 'rollback', 'disable', 'enable', 'show'];
  if (needsTarget.includes(command) && !target)
    throw new DepartmentsUsageError(`departments ${command} needs ${['validate', 'add', 'update'].includes(command) ? 'a spec file' : 'a department code'}`);
  const toVersion = flags.to === undefined ? undefined : Number(flags.to);
  if (toVersion !== undefined && !(Number.isInteger(toVersion) && toVersion > 0)) throw new DepartmentsUsageError('--to must be a version number');
  const print = (value: unknown, human: string) => io.stdout.write(flags.json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);

  if (command === 'validate' && !flags.hub)
    return validate(
      target!,
      { offline: flags.offline ?? false, sample: Number(flags.sample ?? 200), timeoutMs: Number(flags.timeout ?? 15) * 1000 },
      io,
      print,
    );

  const api = hubApi(hubEndpoint(flags.url, io.env), flags.key ?? io.env.HUITONG_KEY ?? io.demoKey);
  switch (command) {
    case 'validate': {
      const spec = await readSpecFile(target!);
      const code = String((spec as { code?: unknown }).code);
      const data = await api(
        `mutation ($spec: JSON!, $online: Boolean) { result: validateDepartmentSpec(spec: $spec, online: $online) { ok code issues { path message hint } changes { path message breaking } sample } }`,
        { spec, online: !flags.offline },
        io,
        `validating ${code} through the hub`,
      );
      if (!data) return 1;
      const r = data.result;
      const verdict = r.ok
        ? `${r.code}: the spec is valid${flags.offline ? ' (offline: its system was not contacted)' : ' and its system answers the hub'}`
        : `${r.code}: the spec does not match its system`;
      print(r, [verdict, ...r.issues.map((i: SpecIssue) => formatIssue(r.code, i)), ...changeLines(r), ...sampleLines(r.sample, spec)].join('\n'));
      return r.ok ? 0 : 1;
    }
    case 'add':
    case 'update': {
      const spec = await readSpecFile(target!);
      const mutation =
        command === 'add'
          ? `mutation ($spec: JSON!, $note: String) { result: addDepartment(spec: $spec, note: $note) { ${CHANGE} departmentKey } }`
          : `mutation ($spec: JSON!, $note: String, $force: Boolean) { result: updateDepartment(spec: $spec, note: $note, force: $force) { ${CHANGE} } }`;
      // Only add waits for the identity sync (a new department's applicants are linked before it answers).
      const working = command === 'add' ? 'adding CODE (checks, then the first identity sync)' : 'updating CODE (checks)';
      const data = await api(
        mutation,
        { spec, note: flags.note ?? null, force: flags.force ?? false },
        io,
        working.replace('CODE', String((spec as { code?: unknown }).code)),
      );
      if (!data) return 1;
      const r = data.result;
      print(
        r,
        [
          `${r.registration.code}: version ${r.registration.activeVersion} live`,
          ...changeLines(r.check),
          ...sampleLines(r.check.sample, spec),
          ...(r.departmentKey ? [`department API key (shown once): ${r.departmentKey}`] : []),
        ].join('\n'),
      );
      return 0;
    }
    case 'rollback': {
      const data = await api(
        `mutation ($code: String!, $to: Int, $force: Boolean) { result: rollbackDepartment(code: $code, toVersion: $to, force: $force) { ${CHANGE} } }`,
        { code: target, to: toVersion ?? null, force: flags.force ?? false },
        io,
        `rolling ${target} back`,
      );
      if (!data) return 1;
      print(data.result, [`${target}: version ${data.result.registration.activeVersion} live`, ...changeLines(data.result.check)].join('\n'));
      return 0;
    }
    case 'disable':
    case 'enable': {
      const data = await api(
        command === 'disable'
          ? `mutation ($code: String!, $purge: Boolean) { result: disableDepartment(code: $code, purge: $purge) { code enabled } }`
          : `mutation ($code: String!) { result: enableDepartment(code: $code) { code enabled } }`,
        { code: target, purge: flags.purge ?? false },
        io,
        `${command === 'disable' ? 'disabling' : 'enabling'} ${target}`,
      );
      if (!data) return 1;
      const purged =
        command === 'disable' && flags.purge
          ? '; its records in the identity crosswalk were deleted'
          : command === 'disable'
            ? '; its records in the identity crosswalk are kept (disable --purge deletes them)'
            : '';
      print(data.result, `${target}: ${data.result.enabled ? 'enabled' : 'disabled'}${purged}`);
      return 0;
    }
    case 'list': {
      const data = await api(`{ result: departmentRegistrations { code name kind enabled activeVersion } }`, {}, io);
      if (!data) return 1;
      print(
        data.result,
        data.result
          .map(
            (d: { code: string; name: string; kind: string; enabled: boolean; activeVersion: number | null }) =>
              `${d.code.padEnd(12)} ${d.kind.padEnd(10)} ${d.enabled ? 'enabled ' : 'disabled'} v${d.activeVersion ?? '-'}  ${d.name}`,
          )
          .join('\n'),
      );
      return 0;
    }
    case 'show': {
      const data = await api(
        `query ($code: String!) { result: departmentRegistration(code: $code) { code name kind enabled activeVersion versions { version createdAt createdBy note active spec } } }`,
        { code: target },
        io,
      );
      if (!data) return 1;
      if (!data.result) {
        io.stderr.write(`huitong: no department ${target}\n`);
        return 1;
      }
      const d = data.result;
      print(
        d,
        [
          `${d.code} ${d.name} (${d.kind}, ${d.enabled ? 'enabled' : 'disabled'})`,
          ...d.versions.map(
            (v: { version: number; createdAt: string; createdBy: string; note: string | null; active: boolean }) =>
              `  ${v.active ? '*' : ' '} v${v.version} ${v.createdAt} by ${v.createdBy}${v.note ? ` — ${v.note}` : ''}`,
          ),
        ].join('\n'),
      );
      return 0;
    }
    default:
      throw new DepartmentsUsageError(`unknown departments command ${command}`);
  }
}

const CHANGE = 'registration { code activeVersion } check { ok issues { path message hint } changes { path message breaking } sample }';

async function readSpecFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DepartmentsUsageError(`cannot read spec file ${path}`);
  }
  // Checked here for shape only, so a typo is reported before any request; the hub checks everything.
  const { parse } = await import('yaml');
  try {
    return parse(text, { maxAliasCount: 50 }) as unknown;
  } catch (error) {
    throw new DepartmentsUsageError(`${path} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

async function validate(
  path: string,
  options: { offline: boolean; sample: number; timeoutMs: number },
  io: Io,
  print: (value: unknown, human: string) => void,
): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new DepartmentsUsageError(`cannot read spec file ${path}`);
  });
  let code = 'spec';
  // Loaded here only: the kinds bring every database driver, which the commands asking the hub never need.
  const [{ sampleSpec }, { silentLogger }, { adapterKinds }, { kindContext, openSpecAdapter }, { parseSpecText }] = await Promise.all([
    import('../adapters/core/sample-spec.js'),
    import('../logging/logger.js'),
    import('../adapters/kinds.js'),
    import('../adapters/open-spec-adapter.js'),
    import('../adapters/spec/parse-spec.js'),
  ]);
  try {
    const spec = parseSpecText(text, adapterKinds);
    code = spec.code;
    if (options.offline) {
      print({ ok: true, code, issues: [] }, `${code}: the spec is valid (offline: its system was not contacted)`);
      return 0;
    }
    const dataDir = mkdtempSync(join(tmpdir(), 'huitong-validate-'));
    const opening = { kinds: adapterKinds, env: io.env, secretsDir: io.env.HUITONG_SECRETS_DIR, dataDir, logger: silentLogger };
    try {
      const signal = AbortSignal.timeout(options.timeoutMs);
      const issues: SpecIssue[] = (await adapterKinds[spec.kind]!.inspect?.(spec, kindContext(code, opening), signal)) ?? [];
      let sample: SampleReport | null = null;
      if (issues.length === 0) {
        const { adapter } = await openSpecAdapter(spec, opening);
        try {
          sample = await sampleSpec(adapter, { limit: options.sample, signal });
        } finally {
          await adapter.connector.close?.();
        }
      }
      const ok = issues.length === 0;
      print(
        { ok, code, issues, sample },
        [
          ok ? `${code}: the spec is valid and its system answers` : `${code}: the spec does not match its system`,
          ...issues.map((i) => formatIssue(code, i)),
          ...sampleLines(sample, spec),
        ].join('\n'),
      );
      return ok ? 0 : 1;
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  } catch (error) {
    if (error instanceof SpecError) {
      print({ ok: false, code: error.department, issues: error.issues }, error.message);
      return 1;
    }
    print(
      { ok: false, code, issues: [{ path: 'connection', message: (error as Error).message }] },
      `${code}.connection: the system could not be read: ${(error as Error).message}`,
    );
    return 1;
  }
}

function changeLines(check: { changes: Array<{ path: string; message: string; breaking: boolean }> }): string[] {
  return check.changes.map((c) => `  ${c.breaking ? 'BREAKING ' : ''}${c.path}: ${c.message}`);
}

/** The sample report's names of permit fields that a spec names otherwise. */
const SPEC_NAMES: Readonly<Record<string, string>> = { applicantLocalId: 'applicant', serviceItemCode: 'serviceItem', rawStatus: 'status' };

/** The fields a spec maps, by entity (null when the spec is not at hand in that shape). */
function mappedFields(spec: unknown): { permits: ReadonlySet<string>; applicants: ReadonlySet<string> } | null {
  const fields = (entity: unknown) => (entity as { fields?: unknown } | null)?.fields;
  const s = spec as { permits?: unknown; applicants?: unknown } | null;
  const permits = fields(s?.permits);
  const applicants = fields(s?.applicants);
  if (typeof permits !== 'object' || permits === null || typeof applicants !== 'object' || applicants === null) return null;
  return { permits: new Set(Object.keys(permits)), applicants: new Set(Object.keys(applicants)) };
}

/**
 * The sample report in lines, fields under their spec names. A field the spec does not map is listed as
 * such, not as blank in every record: a user reading "actualDays 120/120 blank" looks for an empty column.
 */
function sampleLines(sample: SampleReport | null, spec: unknown): string[] {
  if (!sample) return [];
  const mapped = mappedFields(spec);
  const lines = [
    `sampled ${sample.permits.read} permits (${sample.permits.rejected.length} rejected), ${sample.applicants.read} applicants (${sample.applicants.rejected.length} rejected)`,
  ];
  for (const r of sample.permits.rejected.slice(0, 5)) lines.push(`  permit ${r.localId}: ${r.reason}`);
  for (const r of sample.applicants.rejected.slice(0, 5)) lines.push(`  applicant ${r.localId}: ${r.reason}`);
  const unmapped: string[] = [];
  const nulls = (entity: 'permits' | 'applicants', fields: Record<string, { nulls: number }>, read: number) => {
    const blank: string[] = [];
    for (const [field, f] of Object.entries(fields)) {
      const name = SPEC_NAMES[field] ?? field;
      if (mapped && !mapped[entity].has(name)) unmapped.push(`${entity}.fields.${name}`);
      else if (f.nulls > 0) blank.push(`${name} ${f.nulls}/${read}`);
    }
    return blank.join(', ');
  };
  const permitNulls = nulls('permits', sample.permits.fields, sample.permits.read);
  if (permitNulls) lines.push(`  blank permit fields: ${permitNulls}`);
  const applicantNulls = nulls('applicants', sample.applicants.fields, sample.applicants.read);
  if (applicantNulls) lines.push(`  blank applicant fields: ${applicantNulls}`);
  if (unmapped.length) lines.push(`  optional fields the spec does not map: ${unmapped.join(', ')}`);
  const statuses = Object.entries(sample.permits.unmappedStatuses);
  if (statuses.length) lines.push(`  status codes not in statuses (read as UNKNOWN): ${statuses.map(([c, n]) => `${c} ×${n}`).join(', ')}`);
  const items = Object.entries(sample.permits.unknownServiceItems);
  if (items.length) lines.push(`  service items not in the catalogue: ${items.map(([c, n]) => `${c} ×${n}`).join(', ')}`);
  if (sample.applicants.invalidIdentifiers) lines.push(`  identifiers failing their check character: ${sample.applicants.invalidIdentifiers}`);
  return lines;
}

/** A GraphQL call to the running hub; prints refusals (with every spec issue) and returns null for them. */
function hubApi(endpoint: string, key: string | undefined) {
  return async (query: string, variables: Record<string, unknown>, io: Io, working?: string): Promise<any> => {
    if (!key) throw new DepartmentsUsageError('a data steward key is needed: pass --key or set HUITONG_KEY');
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    const started = Date.now();
    const ticker = working && tty ? setInterval(() => io.stderr.write(`\r${working}… ${Math.round((Date.now() - started) / 1000)} s`), 250) : undefined;
    if (working && !tty) io.stderr.write(`${working}…\n`);
    let body: { data?: { result?: unknown }; errors?: Array<{ message: string; extensions?: { code?: string; issues?: SpecIssue[]; department?: string } }> };
    try {
      body = await postToHub<typeof body>(endpoint, key, query, variables);
    } finally {
      if (ticker) {
        clearInterval(ticker);
        io.stderr.write('\n');
      }
    }
    if (body.errors?.length) {
      for (const e of body.errors) {
        io.stderr.write(`huitong: ${e.message}${e.extensions?.code ? ` [${e.extensions.code}]` : ''}\n`);
        for (const issue of e.extensions?.issues ?? []) io.stderr.write(`  ${formatIssue(e.extensions?.department ?? 'spec', issue)}\n`);
      }
      return null;
    }
    return body.data;
  };
}
