import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_CSP, portalTrustedDocuments, servePortal } from './portal-site.js';
import { mergeTrustedDocuments, parseTrustedDocuments, sha256Hex, trustDocument } from './trusted-documents.js';

const INDEX =
  '<!doctype html>\n<html>\n  <head>\n    <meta charset="UTF-8" />\n    <script type="module" src="/portal/assets/app-1a2b3c.js"></script>\n  </head>\n  <body><div id="root"></div></body>\n</html>\n';
const PORTAL_OPERATION = 'query Departments { departments { code name } }';

/** An express app serving a portal build (or none) on loopback; resolves its base URL. */
async function serve(site: Parameters<typeof servePortal>[1]): Promise<{ url: string; server: Server }> {
  const app = express();
  servePortal(app, site);
  app.use((_req, res) => res.status(404).json({ errors: [{ message: 'not found' }] }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe('the portal at /portal', () => {
  let dir: string;
  let demo: { url: string; server: Server };
  let plain: { url: string; server: Server };
  let unbuilt: { url: string; server: Server };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huitong-portal-site-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'app-1a2b3c.js'), 'console.log("portal");\n');
    writeFileSync(join(dir, 'trusted-documents.json'), JSON.stringify({ [`sha256:${sha256Hex(PORTAL_OPERATION)}`]: PORTAL_OPERATION }));
    [demo, plain, unbuilt] = await Promise.all([serve({ dir, demo: true }), serve({ dir, demo: false }), serve(null)]);
  });
  afterAll(() => {
    for (const s of [demo, plain, unbuilt]) s?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves hashed assets for a year, immutable, with the CSP', async () => {
    const response = await fetch(`${plain.url}/portal/assets/app-1a2b3c.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('content-security-policy')).toBe(PORTAL_CSP);
    expect(PORTAL_CSP).toContain("script-src 'self'");
    expect(PORTAL_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('answers every page path with index.html, never cached (the app routes in the browser)', async () => {
    for (const path of ['/portal/', '/portal/applicant/QXBwbGljYW50OmFw', '/portal/steward/access']) {
      const response = await fetch(`${plain.url}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toBe(PORTAL_CSP);
      expect(await response.text()).toBe(INDEX);
    }
  });

  it('answers a missing asset with 404, not the page', async () => {
    const response = await fetch(`${plain.url}/portal/assets/gone-000000.js`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('<html');
  });

  it('redirects /portal to /portal/', async () => {
    const response = await fetch(`${plain.url}/portal`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/portal/');
  });

  it('marks demo mode in the page, after its charset, and only in demo mode', async () => {
    const html = await (await fetch(`${demo.url}/portal/`)).text();
    expect(html).toContain('<meta charset="UTF-8" />\n    <meta name="huitong-demo" content="true" />');
    expect(await (await fetch(`${plain.url}/portal/`)).text()).not.toContain('huitong-demo');
  });

  it('says how to build the portal when there is no build', async () => {
    const response = await fetch(`${unbuilt.url}/portal/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:portal');
  });

  it("adds the build's operations to a deployment's trusted documents", () => {
    const deployment = parseTrustedDocuments({ [sha256Hex('{ viewer { id } }')]: '{ viewer { id } }' });
    const portal = portalTrustedDocuments(dir)!;
    const both = mergeTrustedDocuments(deployment, portal);
    expect(trustDocument(deployment, { query: PORTAL_OPERATION }, { allowIntrospection: false }).trusted).toBe(false);
    expect(trustDocument(both, { query: PORTAL_OPERATION }, { allowIntrospection: false })).toEqual({ trusted: true, query: PORTAL_OPERATION });
    expect(trustDocument(both, { query: '{ viewer { id } }' }, { allowIntrospection: false }).trusted).toBe(true);
    expect(trustDocument(both, { query: '{ departments { code } }' }, { allowIntrospection: false }).trusted).toBe(false);
    expect(portalTrustedDocuments(join(dir, 'assets'))).toBeNull();
  });
});
