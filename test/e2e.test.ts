/**
 * The search page in a real browser: Debian's headless Chromium, driven by playwright-core,
 * against a real server (real model, seeds index). `.ci/run` installs Chromium when it is missing.
 *
 * PAPERS_SCREENSHOT=docs/search-page.png also saves a screenshot of the page with results.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { type BrowserContext, type Page } from "playwright-core";
import { checkChromium, launchChromium } from "./chromium.js";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { SEEDS, modelsDir, tempDir } from "./helpers.js";

const QUESTION = "ways to reduce decode latency";

it("has Chromium to drive", () => {
  checkChromium();
});

describe("search page in Chromium", () => {
  const root = tempDir("papers-e2e-");
  let index: PaperIndex;
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    checkChromium();
    const options = { indexDir: join(root, "index"), modelsDir: modelsDir(), offline: true };
    await indexPapers([SEEDS], options);
    index = await openIndex(options);
    await index.search("warm up", 1);
    app = buildServer(index);
    base = await app.listen({ port: 0, host: "127.0.0.1" });

    const profile = join(root, "profile");
    mkdirSync(profile);
    context = await launchChromium(profile, { width: 1100, height: 1000 });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      // The one expected failure: the 404 of the error-state test below.
      if (message.type() === "error" && !message.location().url.endsWith("/api/papers/nope/related?mode=hybrid")) {
        problems.push(`console: ${message.text()} (${message.location().url})`);
      }
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("dialog", (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    await index?.close();
  });

  const activeElement = () => page.evaluate<string>("document.activeElement ? document.activeElement.id || document.activeElement.className : ''");
  const resultTitles = () => page.locator("ol.results > li h2").allTextContents();
  const query = () => Object.fromEntries(new URL(page.url()).searchParams);

  it("searches from the keyboard, highlights the question's words, and puts the query in the URL", async () => {
    await page.goto(base);
    expect(await activeElement()).toBe("q"); // the search box has the focus on load
    await page.keyboard.type(QUESTION);
    await page.keyboard.press("Enter");
    await page.locator("ol.results > li").nth(9).waitFor();

    expect(query()).toEqual({ q: QUESTION, mode: "hybrid" });
    const titles = await resultTitles();
    expect(titles).toHaveLength(10);
    expect(titles.slice(0, 5).join("\n")).toMatch(/Aggressive Decoding/);
    const marks = (await page.locator("ol.results mark").allTextContents()).map((m) => m.toLowerCase());
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.some((m) => m.startsWith("decod"))).toBe(true);
    expect(marks.some((m) => m.startsWith("latenc"))).toBe(true);
    expect(marks).not.toContain("to"); // stop words are not highlighted
    // The sentence the server picked for each hit is the one highlighted (a title-less paper's first
    // sentence is its heading, so it cannot be highlighted in the text below it).
    const explained = (await (await fetch(`${base.replace(/\/$/, "")}/api/search?${new URLSearchParams({ q: QUESTION, mode: "hybrid", explain: "true" })}`)).json()) as { results: { explain: { sentence: string } }[] };
    const bests = await page.locator("ol.results > li").evaluateAll((items) => items.map((li) => li.querySelector(".best")?.textContent ?? null));
    expect(bests.filter((b) => b !== null).length).toBeGreaterThanOrEqual(5);
    bests.forEach((best, i) => {
      if (best !== null) expect(best).toBe(explained.results[i]!.explain.sentence);
    });
    const first = page.locator("ol.results > li").first();
    expect(await first.locator(".rank").textContent()).toBe("1.");
    expect(await first.locator(".score").textContent()).toMatch(/^score \d\.\d{3}$/);
    expect(await page.locator("#status").textContent()).toMatch(/^10 papers · hybrid · \d+ ms$/);
    expect(await page.title()).toBe(`${QUESTION} · papers`);

    const arxiv = page.locator("ol.results a.id").first();
    expect(await arxiv.getAttribute("href")).toMatch(/^https:\/\/arxiv\.org\/abs\/\d{4}\.\d{4,5}/);

    if (process.env.PAPERS_SCREENSHOT) {
      const file = resolve(process.env.PAPERS_SCREENSHOT);
      mkdirSync(dirname(file), { recursive: true });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: file });
    }
  });

  it("follows a related link from the keyboard, and back and forward work", async () => {
    // Tab from the search box to the first result's "related" link, and open it with Enter.
    await page.locator("#q").focus();
    for (let i = 0; i < 30 && !(await activeElement()).includes("related"); i++) await page.keyboard.press("Tab");
    expect(await activeElement()).toBe("related");
    const id = await page.locator("ol.results > li").first().getAttribute("data-id");
    await page.keyboard.press("Enter");
    await page.locator("#heading:not([hidden])").waitFor();

    expect(query()).toEqual({ related: id, mode: "hybrid" });
    expect(await page.locator("#heading").textContent()).toMatch(/^Related to: /);
    expect(await activeElement()).toBe("heading");
    await page.locator("ol.results > li").nth(9).waitFor();
    const ids = await page.evaluate<string[]>("Array.from(document.querySelectorAll('ol.results > li'), (li) => li.dataset.id)");
    expect(ids).toHaveLength(10);
    expect(ids).not.toContain(id);

    await page.goBack();
    // (Locators, not waitForFunction: its polling evaluates strings, which the page's CSP forbids.)
    await page.locator("#heading").waitFor({ state: "hidden" });
    await page.locator("ol.results > li", { hasText: "Aggressive Decoding" }).waitFor();
    expect(await page.locator("ol.results > li").count()).toBe(10);
    expect(query()).toEqual({ q: QUESTION, mode: "hybrid" });
    expect(await page.inputValue("#q")).toBe(QUESTION);
    expect((await resultTitles()).join("\n")).toMatch(/Aggressive Decoding/);

    await page.goForward();
    await page.locator("#heading:not([hidden])").waitFor();
    expect(query()).toEqual({ related: id, mode: "hybrid" });
  });

  it("loads a bookmarked page with the search box focused", async () => {
    await page.goto(`${base}/?related=2404.09336&mode=dense`);
    await page.locator("ol.results > li").first().waitFor();
    expect(await page.locator("#heading").textContent()).toMatch(/^Related to: Large language models \(LLMs\) can solve challenging tasks\./);
    expect(await activeElement()).toBe("q");
  });

  it("recommends from papers marked more and less like this, with the words behind it; exports a search", async () => {
    await page.goto(`${base}/?q=${encodeURIComponent(QUESTION)}&mode=hybrid`);
    await page.locator("ol.results > li").nth(2).waitFor();
    const items = page.locator("ol.results > li");
    const ids = await items.evaluateAll((lis) => lis.map((li) => li.getAttribute("data-id")!));
    const bib = page.locator("#export a", { hasText: "BibTeX" });
    expect(await bib.getAttribute("href")).toBe(`/api/search?${new URLSearchParams({ q: QUESTION, mode: "hybrid" })}&format=bibtex`);
    expect(await (await fetch(base.replace(/\/$/, "") + (await bib.getAttribute("href"))!)).text()).toContain(`id = {${ids[0]}}`);
    await items.nth(0).locator("button.pick.like").click();
    await items.nth(1).locator("button.pick.like").click();
    await items.nth(2).locator("button.pick.unlike").click();
    expect(await items.nth(2).locator("button.pick.unlike").getAttribute("aria-pressed")).toBe("true");
    await page.locator("#recommend").click();
    await page.locator("#heading:not([hidden])").waitFor();
    await page.locator("ol.results > li").first().waitFor();
    expect(query()).toEqual({ like: `${ids[0]},${ids[1]}`, unlike: ids[2] });
    expect(await page.locator("#heading").textContent()).toBe("Recommended from 2 liked and 1 not");
    expect(await page.locator(".why").textContent()).toMatch(/^Words for: \S/);
    const recommended = await page.locator("ol.results > li").evaluateAll((lis) => lis.map((li) => li.getAttribute("data-id")!));
    expect(recommended.length).toBeGreaterThan(0);
    expect(recommended.filter((id) => ids.slice(0, 3).includes(id))).toEqual([]);
  });

  it("loads a bookmarked search with its mode", async () => {
    await page.goto(`${base}/?q=${encodeURIComponent("episodic memory")}&mode=lexical`);
    await page.locator("ol.results > li").first().waitFor();
    expect(await page.inputValue("#q")).toBe("episodic memory");
    expect(await page.inputValue("#mode")).toBe("lexical");
    expect(await page.locator("#status").textContent()).toMatch(/ · lexical · /);
  });

  it("says when nothing is found, and shows errors", async () => {
    await page.goto(`${base}/?q=zzqxv&mode=lexical`);
    await page.locator(".notice").waitFor();
    expect(await page.locator(".notice strong").textContent()).toBe("No papers found");
    expect(await page.locator("ol.results > li").count()).toBe(0);

    await page.goto(`${base}/?related=nope`);
    await page.locator(".notice.error").waitFor();
    expect(await page.locator(".notice.error").getAttribute("role")).toBe("alert");
    expect(await page.locator(".notice.error").textContent()).toMatch(/no paper with id "nope"/);
  });

  it("never turns text into markup", async () => {
    const hostile = '<img src=x onerror="alert(1)"><b id="injected">bold</b>';
    await page.goto(`${base}/?q=${encodeURIComponent(hostile)}&mode=dense`);
    await page.locator("ol.results > li").first().waitFor();
    expect(await page.locator("#injected").count()).toBe(0);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.inputValue("#q")).toBe(hostile);
  });

  it("loads nothing from anywhere but its own server", () => {
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
