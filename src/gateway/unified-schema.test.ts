import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printUnifiedSchema } from './unified-schema.js';

describe('the committed unified schema', () => {
  it('matches what the subgraphs compose to (run `npm run schema:print` and review the diff when this fails)', () => {
    const committed = readFileSync(new URL('../schema/unified.graphql', import.meta.url), 'utf8');
    expect(printUnifiedSchema(['health', 'housing', 'market'])).toBe(committed);
  });

  it('hides the gateway protocol and describes every type and field', () => {
    const sdl = printUnifiedSchema(['health', 'housing', 'market']);
    expect(sdl).not.toMatch(/\b_[a-zA-Z]/);
    expect(sdl).toContain('permits(after: String, filter: PermitFilter, first: Int = 20): PermitConnection');
  });
});
