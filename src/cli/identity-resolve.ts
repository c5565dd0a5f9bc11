// `huitong identity resolve FILE.jsonl` (`-` for stdin): offline identity resolution of department
// records in JSON Lines. Public interface — keep stable. Writes one line per valid input line, in input
// order: {"source", "localId", "applicantId"}; applicantId is a cluster label local to this output.
// With `--candidates-out FILE`, also writes the review queue there, one line per candidate pair in
// queue order: {"a": {source, localId}, "b": {…}, "score", "evidence": {reason, nameHolders,
// clusterScore, fields: [{field, level, weight}]}}. Never touches the hub's database. Progress and
// the summary go to stderr, without personal data.

import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { resolveIdentities, type ResolutionRecord, type ReviewCandidate } from '../identity-resolution/index.js';
import { createProgress } from './progress.js';

export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = 'usage: huitong identity resolve [--strict] [--candidates-out CANDIDATES.jsonl] FILE.jsonl|-';

const optionalText = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

// Kinds as exports spell them; anything else is left to the resolver to infer (identifier, name shape).
const KINDS: Record<string, 'PERSON' | 'ORGANIZATION'> = {
  PERSON: 'PERSON',
  NATURAL_PERSON: 'PERSON',
  INDIVIDUAL: 'PERSON',
  个人: 'PERSON',
  自然人: 'PERSON',
  ORGANIZATION: 'ORGANIZATION',
  ORGANISATION: 'ORGANIZATION',
  COMPANY: 'ORGANIZATION',
  企业: 'ORGANIZATION',
  法人: 'ORGANIZATION',
  单位: 'ORGANIZATION',
  组织: 'ORGANIZATION',
};
const kindOf = (v: unknown) => (typeof v === 'string' ? (KINDS[v.trim().toUpperCase()] ?? null) : null);

/** Reads one JSON line into a record (with `source` and `localId` as given, to echo), or returns the reason it is malformed. */
function parseLine(line: string): { record: ResolutionRecord; given: { source: unknown; localId: unknown } } | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const o = value as Record<string, unknown>;
  const source = optionalText(o.source);
  const localId = optionalText(o.localId);
  if (!source) return 'missing "source"';
  if (!localId) return 'missing "localId"';
  return {
    record: {
      source,
      localId,
      kind: kindOf(o.kind),
      name: optionalText(o.name),
      idType: optionalText(o.idType),
      idNumber: optionalText(o.idNumber),
      phone: optionalText(o.phone),
      address: optionalText(o.address),
    },
    given: { source: o.source, localId: o.localId },
  };
}

/**
 * Runs the command; returns the exit code (0 done, 1 stopped by --strict or an I/O error, 2 usage).
 *
 * @example
 * const code = await runIdentityResolve(['records.jsonl'], { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
 */
export async function runIdentityResolve(args: string[], io: CommandIo): Promise<number> {
  const say = (s: string) => io.stderr.write(`${s}\n`);
  let file: string;
  let strict: boolean;
  let candidatesOut: string | undefined;
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { strict: { type: 'boolean' }, 'candidates-out': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (parsed.values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (parsed.positionals.length !== 1) throw new Error('expected exactly one FILE (or - for stdin)');
    file = parsed.positionals[0]!;
    strict = parsed.values.strict === true;
    candidatesOut = parsed.values['candidates-out'];
    if (candidatesOut === '') throw new Error('--candidates-out needs a file');
  } catch (error) {
    say(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }

  const bar = createProgress('identity resolve: lines read', { stream: io.stderr });
  const keys: Array<{ record: ResolutionRecord; given: { source: unknown; localId: unknown } }> = [];
  const records: ResolutionRecord[] = [];
  let lineNo = 0;
  let skipped = 0;
  try {
    const input = file === '-' ? io.stdin : createReadStream(file, { encoding: 'utf8' });
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const raw of lines) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim() === '') continue;
      const parsed = parseLine(line);
      if (typeof parsed === 'string') {
        say(`line ${lineNo}: ${parsed}${strict ? '' : ', skipped'}`);
        if (strict) {
          bar.done();
          return 1;
        }
        skipped++;
        continue;
      }
      records.push(parsed.record); // a repeated (source, localId) is replaced by its last occurrence in the resolver
      keys.push(parsed);
      if (lineNo % 1000 === 0) bar.update(lineNo);
    }
  } catch (error) {
    bar.done();
    say(`cannot read ${file === '-' ? 'stdin' : file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 1;
  }

  bar.done();
  const result = resolveIdentities(records);
  try {
    let buffer = '';
    for (const k of keys) {
      // Echoed as given (a numeric local id stays a number), so the output joins back to the input.
      buffer += `${JSON.stringify({ source: k.given.source, localId: k.given.localId, applicantId: result.labelOf(k.record.source, k.record.localId) })}\n`;
      if (buffer.length > 1 << 16) {
        await write(io.stdout, buffer);
        buffer = '';
      }
    }
    if (buffer) await write(io.stdout, buffer);
  } catch (error) {
    say(`cannot write output: ${(error as Error).message}`);
    return 1;
  }
  if (candidatesOut !== undefined) {
    try {
      await writeCandidates(candidatesOut, result.reviewCandidates);
    } catch (error) {
      say(`cannot write ${candidatesOut}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return 1;
    }
  }
  say(
    `lines read ${lineNo}, skipped ${skipped}, records ${result.stats.records}, clusters ${result.stats.clusters}, review candidates ${result.stats.reviewCandidates}`,
  );
  return 0;
}

/**
 * One line per candidate, in queue order. The evidence holds no record values (names, numbers), only
 * how each field compared, so the file can be shared with whoever orders the review work.
 */
export function candidateLine(c: ReviewCandidate): string {
  return JSON.stringify({
    a: { source: c.a.source, localId: c.a.localId },
    b: { source: c.b.source, localId: c.b.localId },
    score: c.score,
    evidence: { reason: c.reason, nameHolders: c.nameHolders, clusterScore: c.clusterScore, fields: c.evidence },
  });
}

async function writeCandidates(file: string, candidates: readonly ReviewCandidate[]): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  const done = (async () => {
    let buffer = '';
    for (const c of candidates) {
      buffer += `${candidateLine(c)}\n`;
      if (buffer.length > 1 << 16) {
        await write(out, buffer);
        buffer = '';
      }
    }
    if (buffer) await write(out, buffer);
    await new Promise<void>((resolve) => out.end(resolve));
  })();
  await Promise.race([done, failed]);
}

function write(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}
