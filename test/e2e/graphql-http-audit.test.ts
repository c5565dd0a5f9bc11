import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

for (const backend of backends) {
  describe(`GraphQL over HTTP audit (${backend.name})`, () => {
    let h: DemoHub;
    beforeAll(async () => {
      h = await startDemoHub(backend, { scale: 0.2 });
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('passes every MUST audit of the GraphQL over HTTP spec', async () => {
      const results = await auditServer({ url: `${h.hub.url}/graphql` });
      expect(results.length).toBeGreaterThan(0);
      const failures = results.filter((r) => r.status === 'error');
      const report = await Promise.all(
        failures.map(
          async (r) => `${r.id} ${r.name}: ${r.status === 'error' ? r.reason : ''}${r.status === 'error' && r.response ? ` [HTTP ${r.response.status}]` : ''}`,
        ),
      );
      expect(failures.length, `failing audits:\n${report.join('\n')}`).toBe(0);
    });

    it('tells browsers and proxies to keep no copy of any answer: data, errors and refusals alike', async () => {
      const post = (body: string, headers: Record<string, string> = {}) =>
        fetch(`${h.hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const answers = [
        await post(JSON.stringify({ query: '{ departments { code } }' })),
        await post(JSON.stringify({ query: '{ noSuchField }' })),
        await post('{"query":', {}),
        await post(JSON.stringify({ query: '{ departments { code } }' }), { authorization: 'Bearer no-such-key' }),
        await fetch(`${h.hub.url}/graphql?query=${encodeURIComponent('{ departments { code } }')}`, { headers: { 'apollo-require-preflight': 'true' } }),
      ];
      expect(answers.map((r) => r.status)).toEqual([200, 400, 400, 401, 200]);
      for (const response of answers) {
        expect(response.headers.get('cache-control')).toBe('no-store');
        // Nothing keeps these answers, so no body is hashed for a validator.
        expect(response.headers.get('etag')).toBeNull();
      }
    });
  });
}
