// `huitong identity review list|show|link|keep-apart|defer`: a data steward works through the identity
// review queue of a running hub, over its GraphQL API (the same steward-only, audited operations as any
// other client). Prints what the steward needs to decide; nothing is logged.

import { parseArgs } from 'node:util';
import { hubEndpoint, postToHub } from './hub-request.js';

export const IDENTITY_REVIEW_USAGE = `usage: huitong identity review COMMAND [options]
commands:
  list [--first N] [--after CURSOR]   open candidates in queue order (likeliest matches first)
  show ID                             one candidate: why it was not linked, its evidence, the two records
  link ID --reason R                  the two records are one applicant (confirmIdentityCandidate)
  keep-apart ID --reason R            they are different applicants, now and after every sync until new evidence (rejectIdentityCandidate)
  defer ID --reason R                 decide later: it moves behind every candidate not put off (deferIdentityCandidate)
options:
  --url URL     the hub (default HUITONG_URL, or http://127.0.0.1:PORT with PORT defaulting to 4000)
  --key KEY     a data steward's API key (default HUITONG_KEY, or the demo steward's key in demo mode)`;

export class IdentityReviewUsageError extends Error {}

/** Sends one GraphQL operation to the hub; resolves to its JSON body. */
export type GraphqlCall = (
  query: string,
  variables: Record<string, unknown>,
) => Promise<{ data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> }>;

export interface IdentityReviewIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** The demo steward's key, when the hub runs the demo district. */
  demoKey?: string;
  /** Replaces HTTP (tests): runs the operation against a schema directly. */
  call?: GraphqlCall;
}

const CANDIDATE_FIELDS = 'id score clusterScore reason nameHolders status records { department { code } localId name }';

/**
 * Runs one review command; returns the exit code (0 done, 1 refused by the hub or unreachable, 2 usage).
 *
 * @example
 * await runIdentityReview(['link', 'SWRlbnRpdHlSZXZpZXdDYW5kaWRhdGU6NDI=', '--reason', '电话核实为同一人'], { stdout, stderr, env: process.env });
 */
export async function runIdentityReview(args: string[], io: IdentityReviewIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        key: { type: 'string' },
        reason: { type: 'string' },
        first: { type: 'string' },
        after: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new IdentityReviewUsageError((error as Error).message);
  }
  const [command, id, ...extra] = parsed.positionals;
  const v = parsed.values;
  if (v.help || !command) {
    io.stdout.write(`${IDENTITY_REVIEW_USAGE}\n`);
    return command || v.help ? 0 : 2;
  }
  if (extra.length > 0) throw new IdentityReviewUsageError(`unexpected argument ${extra[0]}`);
  const call = io.call ?? httpCall(hubEndpoint(v.url, io.env), v.key ?? io.env.HUITONG_KEY ?? io.demoKey);
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const ask = async (query: string, variables: Record<string, unknown>) => {
    const body = await call(query, variables);
    for (const e of body.errors ?? []) io.stderr.write(`huitong: ${e.message}${e.extensions?.code ? ` [${e.extensions.code}]` : ''}\n`);
    return body.errors?.length ? null : body.data;
  };

  switch (command) {
    case 'list': {
      if (id !== undefined) throw new IdentityReviewUsageError('list takes no candidate id');
      const first = v.first === undefined ? 20 : Number(v.first);
      if (!Number.isInteger(first) || first < 0 || first > 200) throw new IdentityReviewUsageError('--first must be a whole number from 0 to 200');
      const data = await ask(
        `query ($first: Int, $after: String) { identityReviewCandidates(first: $first, after: $after) { totalCount endCursor hasNextPage nodes { ${CANDIDATE_FIELDS} } } }`,
        { first, after: v.after ?? null },
      );
      if (!data) return 1;
      const page = data.identityReviewCandidates;
      out(`${page.totalCount} open candidate(s)`);
      for (const c of page.nodes) out(summary(c));
      if (page.hasNextPage) out(`more: huitong identity review list --after ${page.endCursor}`);
      return 0;
    }
    case 'show': {
      const candidate = requireId(id, command);
      const data = await ask(`query ($id: ID!) { identityReviewCandidate(id: $id) { ${CANDIDATE_FIELDS} evidence { field level weight } } }`, {
        id: candidate,
      });
      if (!data) return 1;
      const c = data.identityReviewCandidate;
      if (!c) {
        io.stderr.write(`huitong: no review candidate ${candidate}\n`);
        return 1;
      }
      out(summary(c));
      out(`  status ${c.status}; why not linked: ${REASONS[c.reason as string] ?? 'not recorded'}`);
      out(`  name held by ${c.nameHolders ?? '?'} record(s); the two applicants compared as wholes: ${c.clusterScore ?? '?'} bits`);
      out('  evidence (field, level, weight in bits):');
      for (const e of c.evidence) out(`    ${e.field.padEnd(10)} ${e.level.padEnd(16)} ${e.weight > 0 ? '+' : ''}${e.weight}`);
      for (const [i, r] of c.records.entries()) out(`  ${i === 0 ? 'a' : 'b'}: ${r.department?.code ?? '?'}:${r.localId} ${r.name ?? ''}`);
      return 0;
    }
    case 'link':
    case 'keep-apart':
    case 'defer': {
      const candidate = requireId(id, command);
      if (!v.reason?.trim()) throw new IdentityReviewUsageError(`${command} needs --reason: it is kept with the decision`);
      const mutation = { link: 'confirmIdentityCandidate', 'keep-apart': 'rejectIdentityCandidate', defer: 'deferIdentityCandidate' }[command];
      const selection = command === 'link' ? '{ id }' : '{ id status }';
      const data = await ask(`mutation ($id: ID!, $reason: String!) { result: ${mutation}(id: $id, reason: $reason) ${selection} }`, {
        id: candidate,
        reason: v.reason,
      });
      if (!data) return 1;
      out(
        command === 'link'
          ? `linked: applicant ${data.result.id}`
          : command === 'keep-apart'
            ? 'kept apart: not proposed again until new evidence arrives'
            : 'deferred: it stays open, behind the candidates not put off',
      );
      return 0;
    }
    default:
      throw new IdentityReviewUsageError(`unknown command ${command}`);
  }
}

const REASONS: Record<string, string> = {
  NAME_ONLY: 'nothing but the name agrees (no identifier, phone or address agreement)',
  BELOW_THRESHOLD: 'some agreement besides the name, under the automatic link threshold',
  RIVAL_BEARERS: 'another applicant bearing the name contradicts one of the two',
  CONTRADICTED: 'a field disagrees between the two applicants',
};

function requireId(id: string | undefined, command: string): string {
  if (!id) throw new IdentityReviewUsageError(`${command} needs a candidate id (from huitong identity review list)`);
  return id;
}

function summary(c: {
  id: string;
  score: number;
  clusterScore: number | null;
  reason: string | null;
  records: Array<{ department: { code: string } | null; localId: string }>;
}): string {
  const refs = c.records.map((r) => `${r.department?.code ?? '?'}:${r.localId}`).join(' ~ ');
  return `${c.id}  score ${c.score}  applicants ${c.clusterScore ?? '?'}  ${c.reason ?? '?'}  ${refs}`;
}

function httpCall(endpoint: string, key: string | undefined): GraphqlCall {
  return async (query, variables) => {
    if (!key) throw new IdentityReviewUsageError('a data steward key is needed: pass --key or set HUITONG_KEY');
    return postToHub<Awaited<ReturnType<GraphqlCall>>>(endpoint, key, query, variables);
  };
}
