#!/usr/bin/env node
// The `huitong` command: TypeScript sources run through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
// `departments` and `identity review` only talk to a running hub (or to one department's system): they
// have their own entries, so they do not load the whole hub first.
const [command, sub] = process.argv.slice(2);
await import(
  command === 'departments'
    ? '../src/cli/departments-main.ts'
    : command === 'identity' && sub === 'review'
      ? '../src/cli/identity-review-main.ts'
      : '../src/cli/main.ts'
);
