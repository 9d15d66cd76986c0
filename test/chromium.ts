/**
 * Debian's Chromium for the page tests, launched one way: headless, no network of its own (no
 * background fetches, updates, sync or QUIC), a profile in the test's folder. PAPERS_CHROMIUM names
 * another build. Without one a page test fails, it never skips.
 */
import { existsSync } from "node:fs";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.PAPERS_CHROMIUM || "/usr/bin/chromium";

export const missingChromium = `${CHROMIUM} is missing: the browser tests need Debian's Chromium (apt-get update && apt-get install -y chromium; .ci/run does this)`;

export function checkChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(missingChromium);
}

/** A headless Chromium with its profile in `profile`; `viewport` as the page test wants it. */
export function launchChromium(profile: string, viewport?: { width: number; height: number }): Promise<BrowserContext> {
  checkChromium();
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic"],
    ...(viewport ? { viewport } : {}),
  });
}

/**
 * The context's page, recording every URL it requests into `requests` (a test then checks that
 * none left the server) and every console error and uncaught page error into `problems` (a CSP
 * violation, an inline handler refused, a script error).
 */
export async function recordedPage(context: BrowserContext, problems: string[], requests: string[] = []): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return page;
}
