import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateResidentId, mulberry32 } from '../schema/identifiers/index.js';
import { runIdentityResolve } from './identity-resolve.js';

function sink() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

async function run(args: string[], stdinText = '') {
  const out = sink();
  const err = sink();
  const code = await runIdentityResolve(args, { stdin: Readable.from([stdinText]), stdout: out.stream, stderr: err.stream });
  return { code, out: out.text(), err: err.text() };
}

const RID = generateResidentId(mulberry32(11), { sex: 'F', birthYearRange: [1990, 1990] });

const LINES = [
  JSON.stringify({ source: 'market', localId: '7', name: '广州市恒丰餐饮管理有限公司', idNumber: '91350200776049653A', extra: 1 }),
  '{not json',
  JSON.stringify({ source: 'health', localId: 'H1', name: '恒丰餐饮管理有限责任公司', idType: '组织机构代码', idNumber: '77604965-3' }),
  JSON.stringify({ localId: 'X' }),
  JSON.stringify({ source: 'housing', localId: 'P1', kind: 'PERSON', name: '张伟', idNumber: '110105491231002' }),
  JSON.stringify({ source: 'market', localId: '7', name: '广州市恒丰餐饮管理有限公司', idNumber: '91350200776049653a' }),
  '',
  JSON.stringify({ source: 'civil', localId: 'C1', name: '張 偉', idNumber: '11010519491231002x' }),
];

describe('huitong identity resolve', () => {
  it('writes one line per valid input line, in order, reports malformed lines and keeps duplicates', async () => {
    const { code, out, err } = await run(['-'], LINES.join('\n'));
    expect(code).toBe(0);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; localId: string; applicantId: number });
    expect(rows.map((r) => `${r.source}:${r.localId}`)).toEqual(['market:7', 'health:H1', 'housing:P1', 'market:7', 'civil:C1']);
    expect(rows[0]!.applicantId).toBe(rows[1]!.applicantId);
    expect(rows[0]!.applicantId).toBe(rows[3]!.applicantId);
    expect(rows[2]!.applicantId).toBe(rows[4]!.applicantId);
    expect(rows[0]!.applicantId).not.toBe(rows[2]!.applicantId);
    expect(err).toContain('line 2: not valid JSON, skipped');
    expect(err).toContain('line 4: missing "source"');
    expect(err).toMatch(/lines read 8, skipped 2, records 4, clusters 2/);
    expect(err).not.toContain('张伟');
  });

  it('echoes source and localId as given (a number stays a number)', async () => {
    const lines = [
      JSON.stringify({ source: 'tax', localId: 42, kind: '个人', name: '欧阳晓明', phone: '13800000000' }),
      JSON.stringify({ source: 'hr', localId: '42', kind: 'person', name: '歐陽曉明', phone: '+86 138 0000 0000' }),
    ];
    const { code, out } = await run(['-'], lines.join('\n'));
    expect(code).toBe(0);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: string; localId: unknown; applicantId: number });
    expect(rows.map((r) => r.localId)).toEqual([42, '42']);
    expect(rows[0]!.applicantId).toBe(rows[1]!.applicantId);
  });

  it('reads a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-resolve-'));
    const file = join(dir, 'in.jsonl');
    writeFileSync(file, LINES.filter((l) => l.startsWith('{"')).join('\n'));
    const { code, out } = await run([file]);
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(5);
  });

  it('writes the review queue with --candidates-out, one line per candidate pair, with its evidence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-resolve-'));
    const candidates = join(dir, 'candidates.jsonl');
    // Generated records: a rare name shared by a record with a phone and one with an address only.
    const input = [
      { source: 'health', localId: 'H1', kind: 'PERSON', name: '欧阳子轩', idNumber: RID, phone: '13700000000' },
      { source: 'civil', localId: 'C1', kind: 'PERSON', name: '欧阳子轩', address: '新港中路1号' },
      { source: 'market', localId: '7', name: '广州市恒丰餐饮管理有限公司', idNumber: '91350200776049653A' },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n');
    const { code, out } = await run(['--candidates-out', candidates, '-'], input);
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(3);
    const lines = readFileSync(candidates, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const c = JSON.parse(lines[0]!) as { a: unknown; b: unknown; score: number; evidence: { reason: string; nameHolders: number; fields: unknown[] } };
    expect([c.a, c.b]).toEqual([
      { source: 'civil', localId: 'C1' },
      { source: 'health', localId: 'H1' },
    ]);
    expect(c.score).toBeGreaterThan(8);
    expect(c.evidence).toMatchObject({ reason: 'name-only', nameHolders: 2 });
    expect(c.evidence.fields).toContainEqual(expect.objectContaining({ field: 'name', level: 'exact' }));
    // The file holds no record values.
    expect(lines[0]).not.toContain('欧阳');
    expect((await run(['--candidates-out', join(dir, 'missing', 'c.jsonl'), '-'], input)).code).toBe(1);
  });

  it('stops at the first malformed line with --strict', async () => {
    const { code, out, err } = await run(['--strict', '-'], LINES.join('\n'));
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('line 2: not valid JSON');
  });

  it('exits 2 on usage errors and 1 on a missing file', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['a', 'b'])).code).toBe(2);
    expect((await run(['--bogus', '-'])).code).toBe(2);
    expect((await run(['/nonexistent/file.jsonl'])).code).toBe(1);
  });
});
