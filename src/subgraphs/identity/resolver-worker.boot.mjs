// Entry of the resolver's thread: the compiled worker beside this file in dist/, or the TypeScript
// source through tsx, as the main thread runs (bin/huitong.js).
import { existsSync } from 'node:fs';

const compiled = new URL('./resolver-worker.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  (await import('tsx/esm/api')).register();
  await import('./resolver-worker.ts');
}
