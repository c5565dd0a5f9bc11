#!/usr/bin/env node
// The `huitong` command: the compiled JavaScript in dist/ (`npm run build`, run by `npm install`'s
// prepare step) when it is there and newer than every source file, else the TypeScript sources through
// tsx — so an edit is never run stale, and a fresh install answers without compiling at run time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = `${root}dist/.built`;

/** The newest modification time (ms) of the files under a directory that the build compiles or copies. */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!entry.name.endsWith('.test.ts') && entry.name !== 'README.md') latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const built = existsSync(stamp) && statSync(stamp).mtimeMs >= newest(`${root}src`);
if (!built) (await import('tsx/esm/api')).register();
await import(built ? '../dist/cli/main.js' : '../src/cli/main.ts');
