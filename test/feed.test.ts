/**
 * `papers feed` with the real model on real arXiv listings (../shared/data/arxiv-cs-listings): a
 * window of the last three listing days and older papers to like. The feed holds only papers of
 * the window, never a liked one, and is ranked for the likes: liking cs.CL papers brings cs.CL,
 * liking cs.CV papers brings cs.CV. The CLI writes it in each format, whole.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexPapers, openIndex, type PaperIndex } from "../src/papers.js";
import { REPO, modelsDir, runCli, tempDir } from "./helpers.js";

const ARXIV = [join(REPO, "..", "shared", "data", "arxiv-cs-listings", "papers.jsonl.gz"), "/work/shared/data/arxiv-cs-listings/papers.jsonl.gz"].find((p) => existsSync(p));

interface Listing {
  id: string;
  categories: string[];
  date: string;
}

describe.skipIf(!ARXIV)("feed on real arXiv listings (real model)", () => {
  const dir = tempDir("papers-feed-");
  const indexDir = join(dir, "index");
  const options = { indexDir, modelsDir: modelsDir(), offline: true };
  let index: PaperIndex;
  let window: Listing[] = [];
  let older: Listing[] = [];
  let since = "";
  let until = "";

  beforeAll(async () => {
    const lines = gunzipSync(readFileSync(ARXIV!)).toString("utf8").split("\n").filter(Boolean);
    const all = lines.map((line) => ({ line, paper: JSON.parse(line) as Listing }));
    const dates = [...new Set(all.map((p) => p.paper.date))].sort();
    [since, until] = [dates[dates.length - 3]!, dates[dates.length - 1]!];
    // In the window: 14 cs.CL and 14 cs.CV papers (primary) of each day; months before it: 15 of each.
    const pick = (keep: (p: Listing) => boolean, category: string, n: number) => all.filter(({ paper }) => keep(paper) && paper.categories[0] === category).slice(0, n);
    const inWindow = (p: Listing) => p.date >= since;
    const early = (p: Listing) => p.date < "2026-04-01";
    const onDay = (day: string) => (p: Listing) => p.date === day;
    const days = dates.slice(-3).flatMap((day) => [...pick(onDay(day), "cs.CL", 14), ...pick(onDay(day), "cs.CV", 14)]);
    const chosen = [...days, ...pick(early, "cs.CL", 15), ...pick(early, "cs.CV", 15)];
    writeFileSync(join(dir, "papers.jsonl"), chosen.map((c) => c.line).join("\n") + "\n");
    await indexPapers([join(dir, "papers.jsonl")], { ...options, computeMap: false });
    index = await openIndex(options);
    window = chosen.map((c) => c.paper).filter(inWindow);
    older = chosen.map((c) => c.paper).filter((p) => !inWindow(p));
  }, 600_000);

  afterAll(async () => index?.close());

  const olderOf = (category: string) => older.filter((p) => p.categories[0] === category).map((p) => p.id);
  const categoriesOf = (id: string) => [...window, ...older].find((p) => p.id === id)!.categories;

  it("holds only the window's papers, never a liked one, ranked for the likes, with why", async () => {
    for (const [category, other] of [["cs.CL", "cs.CV"], ["cs.CV", "cs.CL"]] as const) {
      // A liked paper inside the window is left out too.
      const inWindowLike = window.find((p) => p.categories[0] === category)!.id;
      const like = [...olderOf(category).slice(0, 10), inWindowLike];
      const feed = await index.feed({ days: 3, like, k: 10 });
      const ids = feed.items.map((item) => item.id);
      expect([feed.since, feed.until]).toEqual([since, until]);
      expect(ids).toHaveLength(10);
      expect(feed.items.every((item) => item.date! >= since && item.date! <= until)).toBe(true);
      expect(ids.filter((id) => like.includes(id))).toEqual([]);
      const share = ids.filter((id) => categoriesOf(id).includes(category)).length / ids.length;
      expect(share, `${category}: ${ids.map((id) => categoriesOf(id)[0]).join(" ")}`).toBeGreaterThanOrEqual(0.8);
      expect(ids.filter((id) => categoriesOf(id)[0] === other).length).toBeLessThanOrEqual(2);
      for (const item of feed.items) {
        expect(like).toContain(item.nearest.id);
        expect(item.nearest.cosine).toBeGreaterThan(0);
        expect(item.nearest.cosine).toBeLessThanOrEqual(1);
      }
      expect(feed.items.some((item) => item.words.length > 0)).toBe(true);
      expect(feed.why.words.length).toBeGreaterThan(0);
    }
  });

  it("papers feed writes each format whole to --out, and says what to do without likes", () => {
    const like = olderOf("cs.CL").slice(0, 5);
    const args = ["--index", indexDir, "feed", "--days", "3", "-k", "5", "--like", ...like];
    for (const format of ["markdown", "json", "html", "atom"]) {
      const out = join(dir, `feed.${format}`);
      const result = runCli([...args, "--format", format, "--out", out]);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe("");
      const text = readFileSync(out, "utf8");
      if (format === "json") expect((JSON.parse(text) as { results: unknown[] }).results).toHaveLength(5);
      if (format === "atom") {
        expect(XMLValidator.validate(text)).toBe(true);
        expect(new XMLParser().parse(text).feed.entry).toHaveLength(5);
      }
      if (format === "html") expect(text.match(/<li>/g)).toHaveLength(5);
      if (format === "markdown") expect(text).toMatch(/^# New papers for you, /);
    }
    // Replaced by rename: no temporary file is left beside it.
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    const none = runCli(["--index", indexDir, "feed", "--days", "3"]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("`papers like ID` first");
    const nowhere = runCli([...args, "--out", join(dir, "no-such-folder", "feed.xml")]);
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toContain("its folder does not exist");
  });
});
