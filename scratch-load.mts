import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { HealthExportConnector } from './src/adapters/health/connector.js';
import { HEALTH_COLUMNS } from './src/adapters/health/legacy-types.js';
const N = Number(process.argv[2] ?? 1_000_000);
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'perf-'));
if (!process.argv[3]) {
  const statuses = ['已提交', '已受理', '审查中', '准予许可', '不予许可', '已撤回', '已撤销', '已过期', '待补正'];
  const chunks: Buffer[] = [iconv.encode(Object.values(HEALTH_COLUMNS).join(',') + '\r\n', 'gb18030')];
  let buf = '';
  for (let i = 0; i < N; i++) {
    const a = (i * 7919) % (N / 4); const d = 1 + ((i * 104729) % 3650);
    const date = new Date(Date.UTC(2014, 0, d)).toISOString().slice(0, 10);
    buf += `WS${String(i).padStart(10, '0')},WSR${String(a).padStart(8, '0')},海珠区第${a}号卫生服务有限公司,单位,统一社会信用代码,91440105MA59XXXXXX,020-8${String(a).padStart(7, '0')},"广州市海珠区测试路${a}号, 2楼",WS-00${i % 9},公共场所卫生许可,${statuses[i % 9]},${date},${date},,20,10,${i % 20}\r\n`;
    if (buf.length > 1 << 20) { chunks.push(iconv.encode(buf, 'gb18030')); buf = ''; }
  }
  chunks.push(iconv.encode(buf, 'gb18030'));
  writeFileSync(join(dir, 'xkxx_20240101.csv'), Buffer.concat(chunks));
  console.log(dir); process.exit(0);
}
global.gc?.();
const c = new HealthExportConnector(dir, { recheckMs: 0 });
const ctx = { signal: new AbortController().signal };
let maxGap = 0, last = performance.now();
const timer = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; }, 10);
let t = performance.now();
const [p] = await c.listPermits([{ limit: 21 }], ctx);
clearInterval(timer);
console.log('load ms', Math.round(performance.now() - t), 'max gap', Math.round(maxGap), 'total', p!.total);
global.gc?.();
console.log('heap MB', (process.memoryUsage().heapUsed / 1e6).toFixed(0));
const time = async (name: string, q: any) => { const t = performance.now(); const [r] = await c.listPermits([q], ctx); console.log(name, 'ms', (performance.now() - t).toFixed(1), 'total', r!.total); };
await time('status filter', { rawStatusIn: ['准予许可'], limit: 21 });
await time('status filter 2', { rawStatusIn: ['已提交'], limit: 21 });
await time('notin window', { rawStatusNotIn: ['准予许可'], appliedFrom: '2020-01-01T00:00:00+08:00', appliedTo: '2020-12-31T00:00:00+08:00', limit: 21 });
