import { describe, expect, it } from 'vitest';
import { DEMO_APPLICANT_IDENTIFIER, graphiqlPage } from './graphiql-page.js';

// The options reach the page as JSON inside its script: look for them as JSON writes them.
const json = (value: unknown) => JSON.stringify(value).slice(1, -1);

describe('the GraphQL IDE page', () => {
  it('opens with the default query and its variables filled with a demo applicant', () => {
    for (const demo of [true, false]) {
      const page = graphiqlPage({ demo });
      // Booleans, not toContain: a failure would print the whole inlined IDE.
      expect(page.includes('query Applicant360($id: String!)')).toBe(true);
      expect(page.includes(json(JSON.stringify({ id: DEMO_APPLICANT_IDENTIFIER }, null, 2)))).toBe(true);
    }
  });

  it("presets the demo steward's key in demo mode only", () => {
    expect(graphiqlPage({ demo: true }).includes(json('Bearer demo-steward-key'))).toBe(true);
    expect(graphiqlPage({ demo: false }).includes('demo-steward-key')).toBe(false);
  });
});
