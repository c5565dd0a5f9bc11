import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { BadDataError } from './adapter-error.js';
import { columnIndexes, csvRecords, decodeText } from './csv-export.js';

const read = (text: string) => [...csvRecords(text)];

describe('csvRecords', () => {
  it('reads RFC 4180: quotes, doubled quotes, commas and line breaks inside quotes', () => {
    expect(read('a,b,c\r\n"x,1","say ""hi""","two\r\nlines"\r\n,,\r\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'], error: null },
      { line: 2, fields: ['x,1', 'say "hi"', 'two\r\nlines'], error: null },
      { line: 4, fields: ['', '', ''], error: null },
    ]);
  });

  it('accepts LF and CR line ends, a missing final line end, and skips empty lines', () => {
    expect(read('a\n\nb\rc').map((r) => [r.line, r.fields])).toEqual([
      [1, ['a']],
      [3, ['b']],
      [4, ['c']],
    ]);
  });

  it('keeps a broken record to its own line and reads on', () => {
    const records = read('h1,h2\r\n1,"bad"x\r\n2,ok\r\n3,b"ad\r\n4,"never closed\r\n5,fine\r\n');
    expect(records.map((r) => [r.line, r.fields[0], r.error])).toEqual([
      [1, 'h1', null],
      [2, '1', 'text after a closing quote'],
      [3, '2', null],
      [4, '3', 'a quote inside an unquoted field'],
      [5, '4', 'a quote is never closed'],
      [6, '5', null],
    ]);
  });

  it('recovers from a stray opening quote that would otherwise swallow the next rows', () => {
    const records = read('1,"abc,2\r\n3,4,"x"\r\n5,6\r\n');
    expect(records.map((r) => [r.line, r.error === null, r.fields])).toEqual([
      [1, false, ['1']],
      [2, true, ['3', '4', 'x']],
      [3, true, ['5', '6']],
    ]);
  });
});

describe('columnIndexes', () => {
  const wanted = { id: '许可证号', status: '状态' } as const;
  it('finds columns by trimmed name, ignoring a BOM and extra columns', () => {
    expect(columnIndexes(['\uFEFF 备注', ' 状态 ', '许可证号'], wanted)).toEqual({ id: 2, status: 1 });
  });
  it('rejects a missing or repeated column', () => {
    expect(() => columnIndexes(['许可证号'], wanted)).toThrow(BadDataError);
    expect(() => columnIndexes(['许可证号', '状态', '状态'], wanted)).toThrow(/repeats/);
  });
});

describe('decodeText', () => {
  it('decodes GB18030 in slices, 4-byte characters included, and drops a leading BOM', async () => {
    const text = `\uFEFF${'陈𠀾,李𠀾𠀾\r\na,𠀾\r\n\r\n'.repeat(50)}𠀾`;
    const bytes = iconv.encode(text, 'gb18030');
    for (const slice of [1, 2, 3, 7, 64, 1 << 20]) expect(await decodeText(bytes, 'gb18030', slice)).toBe(text.slice(1));
  });
  it('turns invalid bytes into U+FFFD without eating the delimiters after them', async () => {
    expect(await decodeText(Buffer.from([0x41, 0x81, 0x2c, 0x42, 0xff, 0x0d, 0x0a]), 'gb18030')).toBe('A\uFFFD,B\uFFFD\r\n');
  });
});
