import { describe, expect, it } from 'vitest';
import { compilePath, isPlainPath } from './json-path.js';

const documents: unknown[] = [
  { a: 1, b: { c: 'x', d: [10, { e: 'deep' }] }, s: 'text', n: null, num: 5, 单位: { 名称: '海珠' }, 'x-y': true, arr: [[1, 2]], empty: {} },
  { a: 0, b: null, s: '', arr: [] },
  [{ a: 'in an array' }],
  'a string',
  42,
  null,
];

describe('compilePath', () => {
  it('reads plain dotted keys the same with the fast path on and off', () => {
    const plain = [
      'a',
      '$.a',
      'b.c',
      'b.d',
      'b.d.0',
      'b.d.1.e',
      'b.d.2',
      's',
      's.length',
      's.0',
      'n',
      'n.x',
      'num.x',
      '单位.名称',
      '$.单位.名称',
      'x-y',
      'arr.0.1',
      'empty.toString',
      'missing',
      'missing.deep',
      '0.a',
      'constructor',
    ];
    for (const expression of plain) {
      expect(isPlainPath(expression)).toBe(true);
      const fast = compilePath(expression, { fastPath: true });
      const engine = compilePath(expression, { fastPath: false });
      for (const document of documents) expect([expression, fast(document)]).toEqual([expression, engine(document)]);
    }
  });

  it('reads any other JSONPath through jsonpath-plus: the first match', () => {
    const doc = {
      certs: [
        { type: 'ORG', no: '1' },
        { type: 'USCC', no: '2' },
      ],
      'a key': 3,
      nested: { x: { certNo: 'n1' } },
    };
    expect(compilePath('certs[?(@.type=="USCC")].no')(doc)).toBe('2');
    expect(compilePath('certs[1].no')(doc)).toBe('2');
    expect(compilePath("$['a key']")(doc)).toBe(3);
    expect(compilePath('$..certNo')(doc)).toBe('n1');
    expect(compilePath('certs[*].no')(doc)).toBe('1');
    expect(compilePath('certs[5].no')(doc)).toBeUndefined();
    for (const expression of ['certs[0]', '$..x', "$['a key']", 'a b', '__proto__', 'a..b']) expect(isPlainPath(expression)).toBe(false);
  });

  it('runs script filters only in the safe evaluator', () => {
    const read = compilePath('rows[?(process.exit(1))].x');
    expect(() => read({ rows: [{ x: 1 }] })).toThrow(/process is not defined/);
  });

  it('refuses an empty expression', () => {
    expect(() => compilePath(' ')).toThrow(SyntaxError);
  });
});
