/**
 * The map page in a real browser (Debian's Chromium via playwright-core) against a real server
 * over the seeds, indexed with the real model: the map renders, a search lights its hits, a click
 * on a dot opens that paper and its related papers, and the keyboard reaches the same.
 *
 * PAPERS_SCREENSHOT=docs/map.png also saves a screenshot of the map with a search lit.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { type BrowserContext, type Page } from "playwright-core";
import { checkChromium, launchChromium, recordedPage } from "./chromium.js";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { SEEDS, modelsDir, tempDir } from "./helpers.js";

const QUESTION = "ways to reduce decode latency";

describe("map page in Chromium", () => {
  const root = tempDir("papers-map-e2e-");
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
    app = buildServer(index);
    base = (await app.listen({ port: 0, host: "127.0.0.1" })).replace(/\/$/, "");
    const profile = join(root, "profile");
    mkdirSync(profile);
    context = await launchChromium(profile, { width: 1280, height: 860 });
    page = await recordedPage(context, problems, requests);
  });

  afterAll(async () => {
    await context?.close();
    await app?.close();
    await index?.close();
  });

  /** Where paper `id` is drawn, in CSS pixels of the page, from the view the canvas reports. */
  async function screenOf(id: string): Promise<{ x: number; y: number }> {
    const map = (await (await fetch(`${base}/api/map`)).json()) as { ids: string[]; x: number[]; y: number[] };
    const i = map.ids.indexOf(id);
    const [scale, ox, oy, side] = (await page.locator("#map").getAttribute("data-view"))!.split(",").map(Number) as [number, number, number, number];
    const box = (await page.locator("#map").boundingBox())!;
    return { x: box.x + ox + map.x[i]! * scale * side, y: box.y + oy + map.y[i]! * scale * side };
  }

  /** Canvas pixels that are not the background: the dots and labels drawn. */
  const paintedPixels = () =>
    page.evaluate<number>(`(() => {
      const canvas = document.getElementById("map");
      const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    })()`);

  /** The opacity (0–255) the canvas drew at a point of the page. */
  async function alphaAt(at: { x: number; y: number }): Promise<number> {
    const box = (await page.locator("#map").boundingBox())!;
    return page.evaluate<number>(`(() => {
      const canvas = document.getElementById("map");
      const ratio = canvas.width / canvas.clientWidth;
      return canvas.getContext("2d").getImageData(Math.round(${at.x - box.x} * ratio), Math.round(${at.y - box.y} * ratio), 1, 1).data[3];
    })()`);
  }
  const focusedIsTitle = () => page.evaluate<boolean>(`document.activeElement === document.getElementById("paper-title")`);

  it("draws every paper, coloured by topic, and lists the topics as text", async () => {
    await page.goto(`${base}/map`);
    await page.locator("#map[data-ready=true]").waitFor();
    const count = index.info().count;
    expect(await page.locator("#map").getAttribute("data-points")).toBe(String(count));
    expect(await paintedPixels()).toBeGreaterThan(count * 4);
    const topics = await index.topics();
    expect(await page.locator("#topics > li").count()).toBe(topics.length);
    expect(await page.locator("#topics > li strong").first().textContent()).toBe(topics[0]!.label);
  });

  it("lights up a search's hits on the map", async () => {
    expect(await page.locator("#map").getAttribute("data-lit")).toBe("0");
    await page.locator("#q").fill(QUESTION);
    await page.keyboard.press("Enter");
    await page.locator("#hits > li").first().waitFor();
    const found = (await (await fetch(`${base}/api/search?${new URLSearchParams({ q: QUESTION, k: "20" })}`)).json()) as { results: { id: string }[] };
    const count = index.info().count;
    expect(found.results.length).toBeLessThan(count); // so that lit and unlit papers can both be seen
    await expect.poll(() => page.locator("#map").getAttribute("data-lit")).toBe(String(found.results.length));
    expect(await page.locator("#status").textContent()).toBe(`${found.results.length} papers found, ${found.results.length} lit on the map`);
    // A hit is drawn opaque; a paper the search did not find is faded.
    const hit = found.results[0]!.id;
    const missed = (await index.list()).map((p) => p.id).find((id) => !found.results.some((r) => r.id === id))!;
    expect(await alphaAt(await screenOf(hit))).toBe(255);
    const faded = await alphaAt(await screenOf(missed));
    expect(faded).toBeGreaterThan(0);
    expect(faded).toBeLessThan(100);
    expect(new URL(page.url()).searchParams.get("q")).toBe(QUESTION);
    if (process.env.PAPERS_SCREENSHOT) {
      const file = resolve(process.env.PAPERS_SCREENSHOT);
      mkdirSync(dirname(file), { recursive: true });
      await page.screenshot({ path: file });
    }
  });

  it("opens the paper clicked on, with its related papers", async () => {
    const target = (await index.topics())[0]!.representatives[0]!.id;
    const at = await screenOf(target);
    await page.mouse.move(at.x, at.y);
    await page.locator("#tip:not([hidden])").waitFor();
    await page.mouse.click(at.x, at.y);
    await page.locator("#panel[data-id]").waitFor();
    expect(await page.locator("#panel").getAttribute("data-id")).toBe(target);
    const related = (await index.related(target, 8)).map((hit) => hit.title ?? "");
    const shown = await page.locator("#panel ol.related > li").allTextContents();
    expect(shown).toHaveLength(related.length);
    expect(shown[0]!.slice(0, 40)).toBe((related[0] || shown[0]!).slice(0, 40));
  });

  it("is usable from the keyboard: a related paper opens from its button, and the map pans and zooms", async () => {
    const first = page.locator("#panel ol.related button").first();
    await first.focus();
    await page.keyboard.press("Enter");
    await expect.poll(focusedIsTitle).toBe(true);
    const view = await page.locator("#map").getAttribute("data-view");
    await page.locator("#map").focus();
    await page.keyboard.press("+");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => page.locator("#map").getAttribute("data-view")).not.toBe(view);
    // Enter on the map opens the paper nearest its centre.
    await page.locator("#map").focus();
    await page.keyboard.press("0");
    await page.keyboard.press("Enter");
    await expect.poll(focusedIsTitle).toBe(true);
    expect(await page.locator("#panel").getAttribute("data-id")).toBeTruthy();
  });

  it("loads nothing from anywhere but its own server", () => {
    expect(requests.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
