// After `tsc -p tsconfig.build.json`: the files dist/ needs besides compiled TypeScript (worker entries
// written in JavaScript, the demo's spec files, the printed schema), then the stamp bin/huitong.js
// compares with the sources to know dist/ is current.
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const src = 'src';
const dist = 'dist';
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
for (const file of walk(src)) {
  if (file.endsWith('.ts') || file.endsWith('README.md')) continue; // the same files bin/huitong.js compares
  cpSync(file, join(dist, relative(src, file)));
}
writeFileSync(join(dist, '.built'), `${new Date().toISOString()}\n`);
