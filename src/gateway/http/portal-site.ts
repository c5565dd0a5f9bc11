import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import { parseTrustedDocuments, type TrustedDocuments } from './trusted-documents.js';

/** Where the hub serves the web portal (portal/ in the repository, built into portal/dist by `npm install`). */
export const PORTAL_PATH = '/portal';

/**
 * What the portal's pages may load: only the hub's own scripts, styles, images and API. Styles may be
 * inline (the component library writes its theme variables into a style element); scripts may not.
 */
export const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The portal's build as the hub serves it. */
export interface PortalSite {
  /** The build folder: index.html, assets/, trusted-documents.json. */
  dir: string;
  /** Demo mode: the page says so, and the sign-in dialog shows the demo keys. */
  demo: boolean;
}

/**
 * The portal's build folder of this checkout (portal/dist beside package.json), or null when it was
 * not built. Found by walking up from this file, so it holds wherever the hub's code is run from.
 *
 * @example
 * const dir = findPortalBuild(); // '/srv/huitong/portal/dist' or null
 */
export function findPortalBuild(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'portal'))) {
      const build = join(dir, 'portal', 'dist');
      return existsSync(join(build, 'index.html')) ? build : null;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The portal's operations (the manifest its build carries, from the same .graphql files as its typed
 * operations), so a hub that runs only trusted documents runs the portal too; null without a build.
 *
 * @example
 * const docs = portalTrustedDocuments('/srv/huitong/portal/dist');
 */
export function portalTrustedDocuments(dir: string): TrustedDocuments | null {
  const file = join(dir, 'trusted-documents.json');
  if (!existsSync(file)) return null;
  return parseTrustedDocuments(JSON.parse(readFileSync(file, 'utf8')));
}

/** Security headers of every portal response. */
function secure(res: Response) {
  res.set({ 'Content-Security-Policy': PORTAL_CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
}

/**
 * Serves the portal at /portal: hashed assets cached for a year (immutable), index.html never cached
 * and answered for every other page path (the app routes in the browser), a CSP on everything. Without
 * a build, /portal says how to make one.
 *
 * @example
 * servePortal(app, { dir: findPortalBuild()!, demo: true });
 */
export function servePortal(app: Express, site: PortalSite | null): void {
  // /portal → /portal/, so the page's relative paths resolve (express routes match both: test the raw URL).
  app.use(PORTAL_PATH, (req, res, next) => {
    const path = req.originalUrl.split('?')[0];
    if (path === PORTAL_PATH) return res.redirect(301, `${PORTAL_PATH}/`);
    next();
  });
  if (!site) {
    app.use(PORTAL_PATH, (_req, res) => {
      res
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The portal is not built: run `npm run build:portal` (npm install does it), then restart the hub.\n');
    });
    return;
  }
  app.use(
    `${PORTAL_PATH}/assets`,
    express.static(join(site.dir, 'assets'), {
      index: false,
      setHeaders: (res) => {
        secure(res);
        // File names carry a hash of their content: a new build makes new names.
        res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
    // A missing asset is a 404, never the page: a browser must not run HTML as a script.
    (_req: Request, res: Response) => {
      res.status(404).type('text/plain; charset=utf-8').send('not found\n');
    },
  );
  app.use(PORTAL_PATH, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    readFile(join(site.dir, 'index.html'), 'utf8').then(
      (html) => {
        secure(res);
        res.set('Cache-Control', 'no-cache');
        res
          .type('html')
          .send(site.demo ? html.replace(/<meta charset="UTF-8" \/>/i, (charset) => `${charset}\n    <meta name="huitong-demo" content="true" />`) : html);
      },
      (error: Error) => next(error),
    );
  });
}
