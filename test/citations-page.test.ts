/**
 * The search page's citations in a real browser (Debian's Chromium via playwright-core), against
 * `papers serve` (startServer) over a fixture PDF (test/fixtures/references/plain.pdf, citing the 35
 * entries of its .bib) and a library of 27 of those entries (hash embedder: this is plumbing). A
 * paper's related view lists its references in order, each linked to its own view when the library
 * has it and to arXiv or its DOI otherwise, and the papers of the library citing it; all under the
 * page's CSP, with no request leaving the server. PAPERS_SCREENSHOT_DIR=docs saves citations.png there.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserContext, type Page } from "playwright-core";
import { checkChromium, launchChromium, recordedPage } from "./chromium.js";
import { indexPaperList, type Paper } from "../src/papers.js";
import { readCorpus } from "../src/corpus/read-corpus.js";
import { startServer, type RunningServer } from "../src/server/serve.js";
// @ts-expect-error: a bench script in JavaScript, without types.
import { bibLibrary } from "../bench/citation-links.mjs";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { REPO, tempDir } from "./helpers.js";


async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("references and cited-by on the search page, in Chromium", () => {
  const root = tempDir("papers-citations-page-");
  let server: RunningServer;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let pdf: Paper;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    checkChromium();
    [pdf] = (await readCorpus([join(REPO, "test", "fixtures", "references", "plain.pdf")], {})).papers as [Paper];
    const library = ((await bibLibrary()) as Paper[]).filter((_, i) => i % 4 !== 3);
    const options = { indexDir: join(root, "index"), embedder: hashEmbedderLoader() };
    await indexPaperList([pdf, ...library], ["fixtures"], { ...options, computeMap: false });
    server = await startServer(options, { port: 0, host: "127.0.0.1" }, { log: () => {}, warn: (line) => problems.push(`server: ${line}`) });
    base = server.url.replace(/\/$/, "");
    context = await launchChromium(join(root, "profile"), { width: 1100, height: 900 });
    page = await recordedPage(context, problems, requests);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
  });

  it("lists a paper's references, linked in the library and to arXiv or the DOI outside it, and who cites a paper", async () => {
    await page.goto(`${base}/?related=${encodeURIComponent(pdf.id)}`);
    const items = page.locator("#references > li");
    await until("the references", async () => ((await items.count()) > 0 ? true : undefined));
    expect(await items.count()).toBe(pdf.references!.length);
    expect(await page.locator("#citations .hint").first().textContent()).toMatch(/^35 references, 2[5-7] in your library$/);
    // Attention Is All You Need is in the library: its entry opens its own related view.
    const attention = page.locator("#references > li.in-library a", { hasText: "Attention Is All You Need" });
    expect(await attention.getAttribute("href")).toBe("/?related=vaswani2017attention&mode=hybrid");
    // OpenAlex (every 4th .bib entry is left out of the library) links to arXiv.
    const outside = page.locator("#references > li:not(.in-library)", { hasText: "OpenAlex" });
    expect(await outside.locator("a").getAttribute("href")).toBe("https://arxiv.org/abs/2205.01833");
    if (process.env.PAPERS_SCREENSHOT_DIR) {
      mkdirSync(resolve(process.env.PAPERS_SCREENSHOT_DIR), { recursive: true });
      await page.locator("#citations").screenshot({ path: join(resolve(process.env.PAPERS_SCREENSHOT_DIR), "citations.png") });
    }

    await attention.click();
    await until("the cited-by list", async () => ((await page.locator("#cited-by > li").count()) > 0 ? true : undefined));
    expect(await page.locator("#heading").textContent()).toBe("Related to: Attention Is All You Need");
    expect(await page.locator("#cited-by > li a").textContent()).toBe(pdf.title);
    expect(await page.locator("#references > li").count()).toBe(0);
    // Related by both: the fixture PDF cites it, and says so.
    expect(await page.locator(`#results li[data-id="${pdf.id}"] .hit-citations`).textContent()).toMatch(/citations: it cites the paper/);
    expect(problems).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(base))).toEqual([]);
  });
});
