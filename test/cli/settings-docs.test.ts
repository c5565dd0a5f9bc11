import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../src/cli/settings.js';

// docs/configuration.md is the reference: a setting the schema reads and the page does not name is a bug.
describe('docs/configuration.md', () => {
  const page = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

  it('documents every setting of the schema', () => {
    const missing = Object.keys(settingsSchema.shape).filter((name) => !page.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
