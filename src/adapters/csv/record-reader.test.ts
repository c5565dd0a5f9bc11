import { describe, expect, it } from 'vitest';
import { CsvRecordReader, type CsvRecord } from './record-reader.js';

/** Reads `text` cut into pieces of `size` characters (Infinity: whole). */
function read(text: string, size = Infinity, options = { delimiter: ',', quote: '"' }): CsvRecord[] {
  const reader = new CsvRecordReader(options);
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...reader.push(text.slice(i, i + size)));
  return [...out, ...reader.end()];
}

const SIZES = [1, 2, 3, 5, 8, 13, Infinity];

describe('CsvRecordReader', () => {
  it('reads RFC 4180 the same however the text is cut: quotes, doubled quotes, separators and line breaks inside quotes', () => {
    const text = 'a,b,c\r\n"x,1","say ""hi""","two\r\nlines"\r\n,,\r\n\r\nlast,"",end';
    for (const size of SIZES) {
      expect(read(text, size)).toEqual([
        { line: 1, fields: ['a', 'b', 'c'], error: null },
        { line: 2, fields: ['x,1', 'say "hi"', 'two\r\nlines'], error: null },
        { line: 4, fields: ['', '', ''], error: null },
        { line: 6, fields: ['last', '', 'end'], error: null },
      ]);
    }
  });

  it('keeps a broken record to its first line and reads on, so no good row after it is lost', () => {
    const text = 'h1,h2\r\n1,"bad"x\r\n2,ok\r\n3,b"ad\r\n4,"never closed\r\n5,fine\r\n6,"x""y"\r\n';
    for (const size of SIZES) {
      expect(read(text, size).map((r) => [r.line, r.fields, r.error])).toEqual([
        [1, ['h1', 'h2'], null],
        [2, ['1', 'bad'], 'text after a closing quote'],
        [3, ['2', 'ok'], null],
        [4, ['3'], 'a quote inside an unquoted field'],
        [5, ['4'], 'a quote is never closed'],
        [6, ['5', 'fine'], null],
        [7, ['6', 'x"y'], null],
      ]);
    }
  });

  it('gives up on a quote left open past maxRecordChars and resumes after its line', () => {
    const reader = new CsvRecordReader({ delimiter: ',', quote: '"', maxRecordChars: 20 });
    const out = [...reader.push('1,"open\r\n'), ...reader.push('2,a\r\n3,b\r\n4,c\r\n5,d\r\n'), ...reader.end()];
    expect(out.map((r) => [r.line, r.error])).toEqual([
      [1, 'a quote is never closed'],
      [2, null],
      [3, null],
      [4, null],
      [5, null],
    ]);
  });

  it('takes another delimiter and quote', () => {
    expect(read("a;'b;c'\n'it''s';\t", 3, { delimiter: ';', quote: "'" })).toEqual([
      { line: 1, fields: ['a', 'b;c'], error: null },
      { line: 2, fields: ["it's", '\t'], error: null },
    ]);
  });
});
