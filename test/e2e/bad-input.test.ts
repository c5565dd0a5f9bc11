import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

/** Things a response body must never leak: stacks, SQL, file paths. */
function expectNoLeaks(body: string) {
  expect(body).not.toMatch(/stack/i);
  expect(body).not.toMatch(/\bat [\w.<>]+ \(|\bat (file|node):/);
  expect(body).not.toMatch(/select /i);
  expect(body).not.toContain('/work');
  expect(body).not.toContain('node_modules');
}

for (const backend of backends) {
  describe(`bad input (${backend.name})`, () => {
    let h: DemoHub;
    let url: string;

    beforeAll(async () => {
      h = await startDemoHub(backend, { scale: 0.2 });
      url = `${h.hub.url}/graphql`;
    });
    afterAll(async () => {
      await h?.stop();
    });

    // As the data steward, who may read every field: what is refused here is the input, not the caller.
    async function post(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-steward-key' },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, text, json: JSON.parse(text) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }> } };
    }

    const cases: Array<[string, string, Record<string, unknown>?]> = [
      ['first above 200', `{ permits(first: 201) { totalCount } }`],
      ['negative first', `{ permits(first: -1) { totalCount } }`],
      ['garbage cursor', `{ permits(first: 5, after: "garbage!") { totalCount } }`],
      ['garbage cursor (variable)', `query ($a: String) { permits(first: 5, after: $a) { totalCount } }`, { a: 'eyJub3QiOiJhIGN1cnNvciJ9' }],
      ['invalid identifier', `{ applicantByIdentifier(value: "12345") { id } }`],
      ['identifier of the wrong type', `{ applicantByIdentifier(value: "91310000MA1FL4XQ5K", type: RESIDENT_ID) { id } }`],
      ['malformed applicant id', `{ applicant(id: "???") { id } }`],
      ['malformed permit id', `{ permit(id: "???") { id } }`],
      ['first above 200 under an applicant', `{ permits(first: 1) { nodes { applicant { permits(first: 201) { totalCount } } } } }`],
    ];

    for (const [name, query, variables] of cases) {
      it(`answers ${name} with BAD_USER_INPUT and no leaks`, async () => {
        const { status, text, json } = await post(query, variables);
        expect(status).not.toBe(500);
        expect(json.errors?.length, text).toBeGreaterThan(0);
        expect(json.errors![0]!.extensions?.code, text).toBe('BAD_USER_INPUT');
        expectNoLeaks(text);
      });
    }

    it('answers a syntax error and an unknown field without a 500 or leaks', async () => {
      for (const query of ['{ permits(first: ', '{ nope }', '{ permits { nodes { _applicantKey } } }']) {
        const { status, text, json } = await post(query);
        expect(status).not.toBe(500);
        expect(status).toBeLessThan(500);
        expect(json.errors?.length, text).toBeGreaterThan(0);
        expect(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']).toContain(json.errors![0]!.extensions?.code);
        expectNoLeaks(text);
      }
    });

    it.each([
      ['a space', 'LICENCE CHECK'],
      ['non-ASCII', '许可核查'],
      ['65 characters', 'A'.repeat(65)],
      ['an empty value', ''],
      ['two values', 'A, B'],
      ['a newline-free injection attempt', 'x";drop table grants;--'],
    ])('refuses an x-purpose header with %s with 400 BAD_USER_INPUT, running nothing', async (_name, purpose) => {
      const calls = () => [...h.hub.adapters.values()].reduce((sum, a) => sum + a.calls.listPermits, 0);
      const before = calls();
      // fetch refuses to send some of these bytes itself; undici sends the UTF-8 value as raw bytes.
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-market-key', 'x-purpose': Buffer.from(purpose, 'utf8').toString('latin1') },
        body: JSON.stringify({ query: '{ permits(first: 1) { totalCount } }' }),
      });
      expect(response.status).toBe(400);
      const text = await response.text();
      const json = JSON.parse(text) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
      expect(json.data).toBeUndefined();
      expect(json.errors[0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', header: 'x-purpose' });
      expect(text).not.toContain('drop table');
      expect(calls()).toBe(before);
    });

    it('passes a well-formed x-purpose on to the request', async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-market-key', 'x-purpose': 'LICENSING_REVIEW' },
        body: JSON.stringify({ query: '{ viewer { purpose } }' }),
      });
      const json = (await response.json()) as { data?: { viewer: { purpose: string } } };
      expect(json.data?.viewer.purpose).toBe('LICENSING_REVIEW');
    });

    it('answers a malformed JSON body with 400 and no leaks', async () => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
      expect(response.status).toBe(400);
      expectNoLeaks(await response.text());
    });

    it('rejects a 2 MB body with 413', async () => {
      const big = JSON.stringify({ query: `{ departments { code } }`, variables: { pad: 'x'.repeat(2 * 1024 * 1024) } });
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(response.status).toBe(413);
      const text = await response.text();
      expectNoLeaks(text);
      expect(JSON.parse(text).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('still serves health, readiness, the SDL, queries and the offline IDE afterwards', async () => {
      const healthz = await fetch(`${h.hub.url}/healthz`);
      expect(healthz.status).toBe(200);
      const readyz = await fetch(`${h.hub.url}/readyz`);
      expect(readyz.status).toBe(200);

      const sdl = await fetch(`${h.hub.url}/schema.graphql`);
      expect(sdl.status).toBe(200);
      const sdlText = await sdl.text();
      expect(sdlText).toContain('type Permit');
      expect(sdlText).not.toMatch(/\b_\w+\s*[(:]/); // hidden protocol fields stay hidden

      const ok = await post(`{ departments { code } }`);
      expect(ok.status).toBe(200);
      expect(ok.json.errors).toBeUndefined();
      expect(ok.json.data.departments.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['market', 'housing', 'health']));

      const ide = await fetch(url, { headers: { accept: 'text/html' } });
      expect(ide.status).toBe(200);
      expect(ide.headers.get('content-type')).toMatch(/text\/html/);
      const html = await ide.text();
      expect(html.toLowerCase()).toContain('<html');
      expect(html).not.toMatch(/<script[^>]*\ssrc=["']?(https?:)?\/\//i);
      expect(html).not.toMatch(/<link[^>]*\shref=["']?(https?:)?\/\//i);
      expect(html).not.toMatch(/@import\s+(url\()?["']?https?:/i);
    });
  });
}
