// Headless Chromium for the browser suites and scripts: the system's Chromium (Debian's
// `chromium` package, CI installs it in .ci/run), driven by playwright-core, fully offline.
// `npx playwright install` is never needed: no browser is downloaded.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Chromium is looked for: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const chromiumPath = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/**
 * The time limit of each browser test and hook (the browser suites set it with `vi.setConfig`),
 * there to stop a hang rather than to time the page. On a busy two-core machine (`npm test` runs
 * the consumer installs and typedoc beside the unit run), the console's first test — a page load
 * in a just-started Chromium, the ladder drawn, a screenshot — went over 30 s once on CI, where it
 * takes about 3 s on an idle machine. Each Playwright wait keeps its own 30 s limit, and each
 * `expect.poll` its second, so a page that never comes still fails with what it waited for.
 */
export const browserTestTimeout = 120_000;

/** One running Chromium with a user-data directory of its own, removed on `close()`. */
export interface BrowserSession {
  readonly context: BrowserContext;
  /** A new page, `width` × `height` CSS pixels (1280 × 800 unless told). */
  newPage(viewport?: { readonly width: number; readonly height?: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches the system's headless Chromium (`deviceScaleFactor` device pixels per CSS pixel in
 * screenshots, 1 unless told), offline, with a fresh user-data directory. With `localServer`, pages
 * may load from a server on this machine (127.0.0.1, localhost), and every other request fails. Throws a message that says how to install it when
 * it is missing: the browser suites never skip (CI always has Chromium).
 */
export async function launchBrowser(options: { readonly deviceScaleFactor?: number; readonly localServer?: boolean } = {}): Promise<BrowserSession> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: the browser tests need it. Install it with ` +
        '`apt-get install -y --no-install-recommends chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary. ' +
        '(`npx playwright install` is not used: nothing is downloaded.)',
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'crisis-playbook-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args,
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
      offline: options.localServer !== true,
    });
    if (options.localServer === true) {
      await context.route(
        (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:',
        (route) => route.abort('internetdisconnected'),
      );
    }
    return {
      context,
      async newPage(viewport) {
        const page = await context.newPage();
        await page.setViewportSize({ width: viewport?.width ?? 1280, height: viewport?.height ?? 800 });
        return page;
      },
      async close() {
        try {
          await context.close();
        } finally {
          rmSync(userDataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
