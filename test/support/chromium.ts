import { existsSync } from 'node:fs';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs (with fonts-noto-cjk, so Chinese renders in screenshots). */
export const CHROMIUM = process.env.HUITONG_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium, or fails with what to do: the browser tests never skip, in CI or out of it.
 *
 * @example
 * const browser = await launchChromium();
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const how = 'apt-get update && apt-get install -y chromium fonts-noto-cjk';
    throw new Error(
      process.env.CI === 'true'
        ? `Chromium is missing at ${CHROMIUM}: .ci/run installs it (${how}); the portal's browser tests cannot run without it`
        : `Chromium is missing at ${CHROMIUM}. Install it with: ${how} (or set HUITONG_CHROMIUM to a Chromium binary)`,
    );
  }
  // Root (as in CI) cannot use Chromium's user-namespace sandbox; the pages are the hub's own, on loopback.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/**
 * Collects what a user would never see but a developer must: console errors and uncaught exceptions
 * (CSP violations and failed loads show there too).
 *
 * @example
 * const problems = watchConsole(page); … expect(problems).toEqual([]);
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  return problems;
}

/**
 * Whether a canvas shows anything: some pixel differs from the first one (a blank canvas is one colour).
 *
 * @example
 * expect(await canvasHasDrawing(page, '[data-testid=chart-rates] canvas')).toBe(true);
 */
export async function canvasHasDrawing(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .evaluate((node) => {
      const canvas = node as HTMLCanvasElement;
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0 || canvas.height === 0) return false;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      for (let i = 4; i < data.length; i += 4) {
        if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3]) return true;
      }
      return false;
    });
}
