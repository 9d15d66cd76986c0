/**
 * The search page's like buttons and its "New for you" view in a real browser (Debian's Chromium
 * via playwright-core), against `papers serve` (startServer: the live index that writes likes) over
 * real arXiv listings (../shared/data/arxiv-cs-listings) indexed with the real model: older cs.CL
 * and cs.CV papers to like, and both kinds on each of the three newest listing days.
 *
 * A like pressed on a hit is saved with the index (GET /api/likes), shows after a reload, and
 * New for you then shows only papers of the window, ranked for it (cs.CL liked: cs.CL first), each
 * with the liked paper it is nearest to. PAPERS_SCREENSHOT_DIR=docs saves search-page-likes.png and new-for-you.png there.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserContext, type Locator, type Page } from "playwright-core";
import { checkChromium, launchChromium, recordedPage } from "./chromium.js";
import { indexPapers } from "../src/papers.js";
import { startServer, type RunningServer } from "../src/server/serve.js";
import { REPO, modelsDir, tempDir } from "./helpers.js";

const ARXIV = [join(REPO, "..", "shared", "data", "arxiv-cs-listings", "papers.jsonl.gz"), "/work/shared/data/arxiv-cs-listings/papers.jsonl.gz"].find((p) => existsSync(p));

interface Listing {
  id: string;
  title: string;
  categories: string[];
  date: string;
}

interface Likes {
  liked: { id: string; title: string | null }[];
  unliked: { id: string; title: string | null }[];
  missing: unknown[];
}

/** Polls `check` until it returns a value (not undefined), or fails after `ms` with what it last saw. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!ARXIV)("likes and New for you on the search page, in Chromium", () => {
  const root = tempDir("papers-feed-page-");
  let server: RunningServer;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let papers: Listing[] = [];
  let window: string[] = [];
  const problems: string[] = [];
  const requests: string[] = [];
  const refused: string[] = [];

  const paper = (id: string) => papers.find((p) => p.id === id)!;
  const olderOf = (category: string) => papers.filter((p) => p.date < "2026-04-01" && p.categories[0] === category);
  const likesNow = async () => (await (await fetch(`${base}/api/likes`)).json()) as Likes;
  const hit = (id: string) => page.locator(`#results li[data-id="${id}"]`);
  const pressed = (button: Locator) => button.getAttribute("aria-pressed");
  const shownIds = () => page.locator("#results li").evaluateAll((items) => items.map((li) => li.getAttribute("data-id")!));

  async function search(q: string): Promise<void> {
    await page.fill("#q", q);
    await page.press("#q", "Enter");
    await until(`hits for ${q}`, async () => ((await page.locator("#results li").count()) > 0 && (await page.locator("#results[aria-busy]").count()) === 0 ? true : undefined));
  }

  async function screenshot(name: string): Promise<void> {
    if (!process.env.PAPERS_SCREENSHOT_DIR) return;
    const dir = resolve(process.env.PAPERS_SCREENSHOT_DIR);
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, name), fullPage: false });
  }

  beforeAll(async () => {
    checkChromium();
    const lines = gunzipSync(readFileSync(ARXIV!)).toString("utf8").split("\n").filter(Boolean);
    const all = lines.map((line) => ({ line, paper: JSON.parse(line) as Listing }));
    const dates = [...new Set(all.map((p) => p.paper.date))].sort();
    const days = dates.slice(-3);
    const pick = (keep: (p: Listing) => boolean, category: string, n: number) => all.filter(({ paper }) => keep(paper) && paper.categories[0] === category).slice(0, n);
    // Each of the three newest days: 5 cs.CL and 5 cs.CV papers; months before: 8 of each to like.
    const chosen = [
      ...days.flatMap((day) => [...pick((p) => p.date === day, "cs.CL", 5), ...pick((p) => p.date === day, "cs.CV", 5)]),
      ...pick((p) => p.date < "2026-04-01", "cs.CL", 8),
      ...pick((p) => p.date < "2026-04-01", "cs.CV", 8),
    ];
    papers = chosen.map((c) => c.paper);
    window = papers.filter((p) => p.date >= days[0]!).map((p) => p.id);
    expect(window).toHaveLength(30);
    const file = join(root, "papers.jsonl");
    writeFileSync(file, chosen.map((c) => c.line).join("\n") + "\n");
    const options = { indexDir: join(root, "index"), modelsDir: modelsDir(), offline: true };
    await indexPapers([file], { ...options, computeMap: false });
    server = await startServer(options, { port: 0, host: "127.0.0.1" }, { log: () => {}, warn: (line) => problems.push(`server: ${line}`) });
    base = server.url.replace(/\/$/, "");

    context = await launchChromium(join(root, "profile"), { width: 1100, height: 900 });
    page = await recordedPage(context, problems, requests);
    page.on("response", (response) => {
      if (response.status() >= 400) refused.push(`${response.status()} ${response.url().slice(base.length)}`);
    });
  }, 600_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
  });

  it("says to like a paper first when there are no likes", async () => {
    await page.goto(`${base}/?feed=1&days=3`);
    await until("the no-likes message", async () => ((await page.locator(".notice.empty").count()) > 0 ? true : undefined));
    expect(await page.locator(".notice.empty strong").textContent()).toBe("No likes yet: like a paper first");
    expect(await page.locator("#results li").count()).toBe(0);
    expect(await page.locator("#feed-controls").isVisible()).toBe(true);
    expect(await page.locator("#feed-link").getAttribute("aria-current")).toBe("page");
  });

  it("saves a like pressed on a hit, and shows it after a reload", async () => {
    const [first, second] = olderOf("cs.CL");
    await page.goto(`${base}/`);
    await search(first!.title);
    const like = hit(first!.id).locator("button.save-like");
    expect(await like.getAttribute("type")).toBe("button");
    expect(await pressed(like)).toBe("false");
    expect((await like.textContent())!.trim()).toMatch(/like$/);
    expect(await hit(first!.id).locator(".saved-like").getAttribute("aria-label")).toBe(`Your like of ${first!.title}`);
    await like.click();
    await until("the like pressed", async () => ((await pressed(like)) === "true" ? true : undefined));
    expect(await likesNow()).toEqual({ liked: [{ id: first!.id, title: first!.title }], unliked: [], missing: [] });

    // A second like, and "not for me" on a cs.CV paper with the keyboard: pressed, then taken back.
    await search(second!.title);
    await hit(second!.id).locator("button.save-like").click();
    await until("the second like saved", async () => ((await likesNow()).liked.length === 2 ? true : undefined));
    const cv = olderOf("cs.CV")[0]!;
    await search(cv.title);
    const unlike = hit(cv.id).locator("button.save-unlike");
    await unlike.focus();
    await page.keyboard.press("Space");
    await until("the unlike pressed", async () => ((await pressed(unlike)) === "true" ? true : undefined));
    expect((await likesNow()).unliked.map((p) => p.id)).toEqual([cv.id]);
    expect(await pressed(hit(cv.id).locator("button.save-like"))).toBe("false");
    await page.keyboard.press("Enter");
    await until("the unlike taken back", async () => ((await pressed(unlike)) === "false" ? true : undefined));
    expect(await likesNow()).toEqual({ liked: [first!, second!].map((p) => ({ id: p.id, title: p.title })), unliked: [], missing: [] });

    // After a reload the page reads the saved likes: the button shows the like.
    await search(first!.title);
    await page.reload();
    await until("the like shown after the reload", async () => ((await pressed(hit(first!.id).locator("button.save-like"))) === "true" ? true : undefined));
    expect(await pressed(hit(first!.id).locator("button.save-unlike"))).toBe("false");
    await screenshot("search-page-likes.png");
  });

  it("New for you shows the window's papers, ranked for the likes, each with its nearest like", async () => {
    const liked = olderOf("cs.CL").slice(0, 2).map((p) => p.id);
    await page.click("#feed-link");
    await until("the feed", async () => ((await page.locator("#results li").count()) > 0 && (await page.locator("#results[aria-busy]").count()) === 0 ? true : undefined));
    expect(new URL(page.url()).search).toBe("?feed=1&days=3");
    const feed = (await (await fetch(`${base}/api/feed?days=3&k=20`)).json()) as { since: string; until: string; results: { id: string; date: string }[] };
    const ids = await shownIds();
    expect(ids).toEqual(feed.results.map((r) => r.id));
    expect(ids).toHaveLength(20);
    expect(ids.every((id) => window.includes(id))).toBe(true);
    expect(await page.locator("#heading").textContent()).toBe(`New for you: ${feed.since} to ${feed.until}`);
    // Ranked for the cs.CL likes: cs.CL papers first.
    const top = ids.slice(0, 10).map((id) => paper(id).categories[0]);
    expect(top.filter((c) => c === "cs.CL").length, top.join(" ")).toBeGreaterThanOrEqual(8);
    // Each says which liked paper it is nearest to, a link to that paper's related papers.
    const reasons = await page.locator("#results li .reason a").evaluateAll((links) => links.map((a) => new URL(a.getAttribute("href")!, "http://page").searchParams.get("related")));
    expect(reasons).toHaveLength(20);
    expect(reasons.every((id) => liked.includes(id!))).toBe(true);
    expect(await page.locator("#results li").first().locator(".reason").textContent()).toMatch(/^Near your like .+ \(cosine 0\.\d\d\)/);
    await screenshot("new-for-you.png");

    // One day: only the newest day's papers.
    // With the keyboard: the focus stays on the selector.
    await page.focus("#days");
    await page.keyboard.press("ArrowUp");
    await until("the one-day feed", async () => (new URL(page.url()).search === "?feed=1&days=1" && (await page.locator("#results[aria-busy]").count()) === 0 && (await page.locator("#heading").textContent()) === `New for you: ${feed.until}` ? true : undefined));
    const day = await shownIds();
    expect(day).toHaveLength(10);
    expect(day.every((id) => paper(id).date === feed.until)).toBe(true);
    expect(await page.evaluate<boolean>(`document.activeElement === document.getElementById("days")`)).toBe(true);
    // Back goes to the three days again.
    await page.goBack();
    await until("the three-day feed again", async () => ((await shownIds()).length === 20 ? true : undefined));
    expect(await page.locator("#days").inputValue()).toBe("3");
  });

  it("says so when no paper of the window is left, and shows the like on a paper's related view", async () => {
    const newest = papers.map((p) => p.date).sort().at(-1)!;
    const ofDay = papers.filter((p) => p.date === newest).map((p) => p.id);
    const post = (body: unknown) => fetch(`${base}/api/likes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post({ like: ofDay })).status).toBe(200);
    try {
      await page.goto(`${base}/?feed=1&days=1`);
      await until("the empty-window message", async () => ((await page.locator(".notice.empty").count()) > 0 ? true : undefined));
      expect(await page.locator(".notice.empty strong").textContent()).toBe("No new papers in this window");
      expect(await page.locator(".notice.empty p").textContent()).toContain(newest);
      expect(await page.locator("#results li").count()).toBe(0);
    } finally {
      expect((await post({ clear: ofDay })).status).toBe(200);
    }
    // A paper's related view: the paper itself has the buttons too, showing its saved like.
    const liked = olderOf("cs.CL")[0]!;
    await page.goto(`${base}/?related=${liked.id}&mode=hybrid`);
    const self = page.locator("#message .this-paper .saved-like");
    await until("the related paper's like shown", async () => ((await self.locator("button.save-like").getAttribute("aria-pressed")) === "true" ? true : undefined));
    expect(await self.getAttribute("aria-label")).toBe(`Your like of ${liked.title}`);
  });

  it("says when a like was not saved, and shows the state the server has", async () => {
    await page.goto(`${base}/?related=${olderOf("cs.CL")[0]!.id}&mode=hybrid`);
    // A related paper not liked (once the saved likes are shown).
    const id = await until("a related paper not liked", async () => {
      if ((await page.locator("#results li").count()) === 0 || (await pressed(page.locator("#message .this-paper button.save-like"))) !== "true") return undefined;
      return (await page.locator('#results li:has(button.save-like[aria-pressed="false"])').first().getAttribute("data-id")) ?? undefined;
    });
    const first = hit(id);
    const like = first.locator("button.save-like");
    expect(await pressed(like)).toBe("false");
    const busy = { error: { code: "INDEX_BUSY", message: "the index is being written by another process (an indexing run, say): try again when it is done" } };
    await page.route(`${base}/api/likes`, (route) =>
      route.request().method() === "POST" ? route.fulfill({ status: 409, contentType: "application/json", body: JSON.stringify(busy) }) : route.continue(),
    );
    try {
      await like.click();
      await until("the error shown", async () => ((await first.locator(".like-error").textContent()) || undefined));
      expect(await first.locator(".like-error").textContent()).toBe(`Not saved: ${busy.error.message}`);
      expect(await first.locator(".like-error").getAttribute("role")).toBe("alert");
      expect(await pressed(like)).toBe("false");
    } finally {
      await page.unroute(`${base}/api/likes`);
    }
    expect((await likesNow()).liked.map((p) => p.id)).not.toContain(id);
  });

  it("ran under the page's CSP with no error, asking nothing of any other origin", () => {
    // The refusals: the feed without likes (400 NO_LIKES) and the like refused on purpose (409), which the browser reports on the console.
    expect(refused).toEqual(["400 /api/feed?days=3&k=20", "409 /api/likes"]);
    expect(problems).toEqual([
      "console: Failed to load resource: the server responded with a status of 400 (Bad Request)",
      "console: Failed to load resource: the server responded with a status of 409 (Conflict)",
    ]);
    expect(requests.filter((url) => !url.startsWith(base))).toEqual([]);
  });
});
