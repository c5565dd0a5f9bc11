import { execute, parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from 'vitest';
import { TimeSlicer, timeSliced } from './time-slices.js';

// A field that costs about `ms` of synchronous work.
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

const schema = makeExecutableSchema({
  typeDefs: 'type Query { items(n: Int!): [Item!]! } type Item { n: Int! label: String! twice: Int! }',
  resolvers: {
    Query: { items: async (_: unknown, { n }: { n: number }) => Array.from({ length: n }, (_, i) => ({ n: i })) },
    Item: {
      label: ({ n }: { n: number }) => (busy(0.05), `item ${n}`),
      twice: async ({ n }: { n: number }) => n * 2,
    },
  },
});
const document = parse('{ items(n: 2000) { n label twice } }');

/** Turns of the event loop while `work` runs (a macrotask that re-arms itself once per turn). */
async function turnsDuring(work: () => Promise<unknown>) {
  let turns = 0;
  let running = true;
  const turn = () => {
    if (!running) return;
    turns++;
    setImmediate(turn);
  };
  setImmediate(turn);
  const result = await work();
  running = false;
  return { turns, result };
}

describe('time slices', () => {
  it('gives the event loop turns while a large result completes, and the same result', async () => {
    const whole = await turnsDuring(async () => execute({ schema, document }));
    const sliced = await turnsDuring(async () => execute({ schema: timeSliced(schema, new TimeSlicer(5)), document }));
    expect(sliced.result).toEqual(whole.result);
    // 2,000 × 0.05 ms is about 100 ms of work: in one stretch without slices, in about 20 with 5 ms slices.
    expect(whole.turns).toBeLessThanOrEqual(3);
    expect(sliced.turns).toBeGreaterThanOrEqual(8);
  });

  it('leaves a small result in one stretch', async () => {
    const small = parse('{ items(n: 3) { n label } }');
    const sliced = await turnsDuring(async () => execute({ schema: timeSliced(schema, new TimeSlicer(5)), document: small }));
    expect(sliced.result).toEqual({ data: { items: [0, 1, 2].map((n) => ({ n, label: `item ${n}` })) } });
    expect(sliced.turns).toBeLessThanOrEqual(2);
  });

  it('keeps errors where graphql puts them', async () => {
    const failing = makeExecutableSchema({
      typeDefs: 'type Query { items: [Item!]! } type Item { n: Int! bad: Int }',
      resolvers: {
        Query: { items: () => Array.from({ length: 500 }, (_, n) => ({ n })) },
        Item: {
          bad: ({ n }: { n: number }) => {
            busy(0.05);
            if (n === 499) throw new Error('no');
            return n;
          },
        },
      },
    });
    const result = await execute({ schema: timeSliced(failing, new TimeSlicer(2)), document: parse('{ items { n bad } }') });
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([['no', ['items', 499, 'bad']]]);
  });
});
