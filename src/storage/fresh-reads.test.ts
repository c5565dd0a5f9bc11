import { describe, expect, it } from 'vitest';
import { freshReads } from './fresh-reads.js';

/** A load whose reads the test ends by hand, recording the clock at which each began. */
function manualLoad() {
  let clock = 0;
  const started: Array<{ key: string; at: number; end: (value?: unknown) => void; fail: (e: Error) => void }> = [];
  const load = (key: string) =>
    new Promise<{ key: string; startedAt: number }>((resolve, reject) => {
      const at = ++clock;
      started.push({ key, at, end: () => resolve({ key, startedAt: at }), fail: reject });
    });
  return { load, started, tick: () => ++clock };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('freshReads', () => {
  it('answers every caller from a read that began after its call, one read per wave of callers', async () => {
    const { load, started, tick } = manualLoad();
    const read = freshReads(load);
    const first = read('k');
    await turn();
    expect(started).toHaveLength(1);
    // Five callers arrive while the first read runs: they must not get its (older) answer.
    const calledAt: number[] = [];
    const late = Array.from({ length: 5 }, () => (calledAt.push(tick()), read('k')));
    await turn();
    expect(started).toHaveLength(1);
    started[0]!.end();
    expect((await first).startedAt).toBe(1);
    await turn();
    expect(started).toHaveLength(2);
    // A caller after the queued read began waits for a read of its own.
    const afterStart = tick();
    const last = read('k');
    started[1]!.end();
    const answers = await Promise.all(late);
    for (const [i, answer] of answers.entries()) expect(answer.startedAt).toBeGreaterThan(calledAt[i]!);
    expect(new Set(answers.map((a) => a.startedAt)).size).toBe(1);
    await turn();
    expect(started).toHaveLength(3);
    started[2]!.end();
    expect((await last).startedAt).toBeGreaterThan(afterStart);
  });

  it('keeps keys apart, fails only the callers of a failed read, and reads again afterwards', async () => {
    const { load, started } = manualLoad();
    const read = freshReads(load);
    const a = read('a');
    const b = read('b');
    await turn();
    expect(started.map((s) => s.key)).toEqual(['a', 'b']);
    const aAgain = read('a');
    started[0]!.fail(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    started[1]!.end();
    expect((await b).key).toBe('b');
    await turn();
    started[2]!.end();
    expect((await aAgain).startedAt).toBe(3);
    const fresh = read('a');
    await turn();
    started[3]!.end();
    expect((await fresh).startedAt).toBe(4);
  });
});
