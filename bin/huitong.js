#!/usr/bin/env node
// The `huitong` command: TypeScript sources run through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
// `departments` only talks to a running hub (or to one department's system): it has its own entry,
// so it does not load the whole hub first.
await import(process.argv[2] === 'departments' ? '../src/cli/departments-main.ts' : '../src/cli/main.ts');
