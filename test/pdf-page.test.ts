/**
 * The search page shows, under a hit found by a passage of its PDF, that passage and its place
 * (p. N, §Section): headless Chromium against a real server over the PDF fixtures (real model).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { type BrowserContext } from "playwright-core";
import { checkChromium, launchChromium } from "./chromium.js";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { modelsDir, tempDir } from "./helpers.js";

const PDF = new URL("fixtures/pdf/", import.meta.url).pathname;

describe("passages on the search page", () => {
  const root = tempDir("papers-pdf-page-");
  let index: PaperIndex;
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;

  beforeAll(async () => {
    checkChromium();
    const folder = join(root, "pdfs");
    mkdirSync(folder);
    for (const name of ["glacier-onecol.pdf", "flow-twocol.pdf", "beekeeping-noabstract.pdf"]) copyFileSync(join(PDF, name), join(folder, name));
    const options = { indexDir: join(root, "index"), modelsDir: modelsDir(), offline: true };
    await indexPapers([folder], options);
    index = await openIndex(options);
    app = buildServer(index);
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    context = await launchChromium(join(root, "profile"));
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    await index?.close();
  });

  it("shows the passage and its page under the hit; the API carries it as passage {text, page, section}", async () => {
    const question = "What median drift per day did the receivers record at the Skaftafell station?";
    const api = (await (await fetch(`${base}/api/search?q=${encodeURIComponent(question)}&k=3`)).json()) as { results: { passage: { text: string } }[] };
    expect(api.results[0]!.passage).toMatchObject({ page: 3, section: "2 Stations and Processing" });

    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${base}/?q=${encodeURIComponent(question)}`);
    const first = page.locator("ol.results > li").first();
    await first.locator(".passage").waitFor();
    expect(await first.locator("h2").textContent()).toBe("Measuring Glacier Surface Drift with Low-Cost GNSS Receivers");
    expect(await first.locator(".passage .where").textContent()).toBe("p. 3, §2 Stations and Processing");
    const said = (await first.locator(".passage .said").textContent())!.replace(/^…|…$/g, "").trim();
    expect(said.length).toBeGreaterThan(100);
    expect(api.results[0]!.passage.text).toContain(said);
  }, 120_000);
});
