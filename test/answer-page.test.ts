/**
 * The search page's Answer panel in headless Chromium (Debian's, via playwright-core) against a
 * server over the seeds and a PDF (the hash embedder: the panel is the point, not the ranking):
 * each evidence sentence of /api/ask shows highlighted inside its abstract, or its PDF passage
 * with the page, with its [n] and a link to its paper, under the page's CSP.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { type BrowserContext, type Page } from "playwright-core";
import { checkChromium, launchChromium, recordedPage } from "./chromium.js";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { REPO, SEEDS, tempDir } from "./helpers.js";


type Json = any;

describe("the Answer panel on the search page", () => {
  const root = tempDir("papers-answer-page-");
  let index: PaperIndex;
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    checkChromium();
    const library = join(root, "library");
    mkdirSync(library);
    copyFileSync(join(REPO, "test", "fixtures", "pdf", "glacier-onecol.pdf"), join(library, "glacier-onecol.pdf"));
    const options = { indexDir: join(root, "index"), embedder: hashEmbedderLoader() };
    await indexPapers([SEEDS, library], options);
    index = await openIndex(options);
    app = buildServer(index, { logError: () => {} });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    context = await launchChromium(join(root, "profile"));
    page = await recordedPage(context, problems);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    await index?.close();
  });

  /** The panel's items once shown: number, marked sentence, its whole paragraph, the link and the line under it. */
  async function panelFor(question: string) {
    const asked = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/ask");
    await page.goto(`${base}/?q=${encodeURIComponent(question)}`);
    const api = (await (await asked).json()) as Json;
    await page.locator("#answer li.evidence").first().waitFor({ timeout: 20_000 });
    const shown = await page.locator("#answer li.evidence").evaluateAll((items) =>
      items.map((li) => ({
        cite: li.querySelector(".cite")!.textContent,
        marked: li.querySelector("mark.evidence-sentence")!.textContent,
        markColour: (globalThis as Json).getComputedStyle(li.querySelector("mark.evidence-sentence")).backgroundColor as string,
        paragraph: li.querySelector(".evidence-context")!.textContent!,
        href: li.querySelector("a.paper")!.getAttribute("href"),
        source: li.querySelector(".evidence-source")!.textContent!,
      })),
    );
    return { api, shown };
  }

  it("shows each evidence sentence highlighted within its abstract, with its [n] and its paper", async () => {
    const question = "ways to reduce decode latency";
    const { api, shown } = await panelFor(question);
    expect(api.evidence.length).toBeGreaterThan(1);
    expect(api.evidence.some((e: Json) => e.paper.url === null)).toBe(true);
    expect(await page.locator("#answer h2").textContent()).toBe("Answer");
    expect(shown.map((s) => s.cite)).toEqual(api.evidence.map((e: Json) => `[${e.id}]`));
    expect(shown.map((s) => s.marked)).toEqual(api.evidence.map((e: Json) => e.text));
    for (const [i, item] of shown.entries()) {
      const evidence = api.evidence[i];
      // Highlighted: a visible background, inside more of the abstract than the sentence alone.
      expect(item.markColour).not.toMatch(/rgba\(0, 0, 0, 0\)|transparent/);
      expect(item.paragraph.length).toBeGreaterThan(item.marked!.length);
      for (const piece of item.paragraph.split("…").map((p: string) => p.trim()).filter(Boolean)) expect(evidence.context).toContain(piece);
      // Its arXiv or DOI link; a paper without one links to its related papers on this page.
      expect(item.href).toBe(evidence.paper.url ?? `/?related=${encodeURIComponent(evidence.paper.id)}&mode=hybrid`);
      expect(item.source).toContain("abstract");
    }
    // The search results still come below.
    await page.locator("#results li").first().waitFor();
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows a sentence of a PDF highlighted in its passage, with the page", async () => {
    const { shown } = await panelFor("median drift per day receivers Skaftafell station centimetres");
    const fromPdf = shown.find((s) => /p\. \d+/.test(s.source));
    expect(fromPdf, JSON.stringify(shown)).toBeDefined();
    expect(fromPdf!.paragraph).toContain(fromPdf!.marked!);
    expect(fromPdf!.paragraph.length).toBeGreaterThan(fromPdf!.marked!.length);
    expect(fromPdf!.source).toContain("Measuring Glacier Surface Drift with Low-Cost GNSS Receivers");
    expect(problems).toEqual([]);
  }, 60_000);
});
