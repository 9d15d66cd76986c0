/**
 * The feed's pure parts: recommend restricted to a window (src/ranking/recommend.ts with a
 * `within` scope, over a made-up source), and the formats a feed is written in (Atom read back by
 * an XML parser, the HTML page's resources, Markdown's escaping).
 */
import { createHash } from "node:crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Paper } from "../../src/corpus/paper.js";
import { formatFeed, type FeedDocument, type FeedEntry } from "../../src/export/feed.js";
import type { PaperFilter } from "../../src/ranking/filter.js";
import type { Scored } from "../../src/ranking/fusion.js";
import { recommend, wordsFor, type RecommendSource, type Seed } from "../../src/ranking/recommend.js";

/** 200 papers on a circle of directions, dated over 20 days; label i is dated day i % 20. */
function source(): { source: RecommendSource; day: (label: number) => string; asked: PaperFilter[] } {
  const n = 200;
  const day = (label: number) => `2026-06-${String(1 + (label % 20)).padStart(2, "0")}`;
  const vectors = Array.from({ length: n }, (_, i) => new Float32Array([Math.cos(i / 10), Math.sin(i / 10)]));
  const texts = Array.from({ length: n }, (_, i) => (i < 100 ? `graph neural networks message passing paper ${i}` : `image segmentation convolution paper ${i}`));
  const asked: PaperFilter[] = [];
  const allowed = (within?: PaperFilter) => (label: number) => {
    if (within) asked.push(within);
    return !within || ((!within.since || day(label) >= within.since) && (!within.until || day(label) <= within.until));
  };
  const top = (scores: Scored[], depth: number) => scores.sort((a, b) => b.score - a.score || a.label - b.label).slice(0, depth);
  const labels = [...Array(n).keys()];
  return {
    day,
    asked,
    source: {
      vector: (label) => vectors[label]!,
      text: (label) => texts[label],
      denseSearch: (v, depth, exclude, within) =>
        top(labels.filter((l) => !exclude.has(l) && allowed(within)(l)).map((label) => ({ label, score: vectors[label]![0]! * v[0]! + vectors[label]![1]! * v[1]! })), depth),
      lexicalSearch: (text, depth, within) => {
        const words = new Set(text.split(/\s+/));
        return top(labels.filter(allowed(within)).map((label) => ({ label, score: texts[label]!.split(" ").filter((w) => words.has(w)).length })).filter((s) => s.score > 0), depth);
      },
      documentFrequencies: (terms) => ({ documents: n, frequencies: new Map([...terms].map((t) => [t, texts.filter((x) => x.includes(t)).length])) }),
      allLabels: (within) => labels.filter(allowed(within)),
      randomLabels: (count, seed) => labels.filter((l) => (l * 7919 + seed) % 13 === 0).slice(0, count),
    },
  };
}

const seed = (s: RecommendSource, label: number): Seed => ({ label, vector: s.vector(label), text: s.text(label)! });

describe("recommend within a window", () => {
  const within: PaperFilter = { since: "2026-06-18", until: "2026-06-20" };

  it("with likes only, ranks only papers the window allows, likes left out", () => {
    const { source: s, day, asked } = source();
    const likes = [3, 17, 37].map((l) => seed(s, l));
    const result = recommend(s, likes, [], 10, [0.5, 0.5], { within });
    expect(result.ranked).toHaveLength(10);
    expect(result.ranked.every((r) => day(r.label) >= "2026-06-18" && day(r.label) <= "2026-06-20")).toBe(true);
    expect(asked.length).toBeGreaterThan(0);
    // The likes are graph papers (labels under 100): so is the best of the window.
    expect(result.ranked[0]!.label).toBeLessThan(100);
    expect(result.ranked.map((r) => r.label)).not.toContain(37);
  });

  it("with unlikes, scores every paper of a small window (the classifier's pool is the window)", () => {
    const { source: s, day } = source();
    const result = recommend(s, [3, 17, 37].map((l) => seed(s, l)), [150, 170].map((l) => seed(s, l)), 5, [0.5, 0.5], { within });
    expect(result.method).toBe("classifier");
    // 200 papers over 20 days: 30 in the 3 days, two of them (17, 37) likes.
    expect(result.candidates).toBe(28);
    expect(result.ranked.every((r) => day(r.label) >= "2026-06-18" && day(r.label) <= "2026-06-20" && r.label !== 17 && r.label !== 37)).toBe(true);
    expect(result.ranked[0]!.label).toBeLessThan(100);
  });

  it("without a window, is the recommend it was (no filter reaches the source)", () => {
    const { source: s, asked } = source();
    const result = recommend(s, [3, 17, 37].map((l) => seed(s, l)), [], 10, [0.5, 0.5]);
    expect(asked).toEqual([]);
    expect(result.ranked.map((r) => r.label)).not.toContain(17);
  });

  it("says which of the recommendation's words a paper has, heaviest first", () => {
    const weights = new Map([
      ["graph", { word: "graph", weight: 0.5 }],
      ["network", { word: "networks", weight: 0.9 }],
      ["imag", { word: "image", weight: -0.4 }],
    ]);
    expect(wordsFor("Neural networks on a graph, not an image", weights).map((w) => w.word)).toEqual(["networks", "graph"]);
  });
});

const paper = (over: Partial<Paper>): Paper => ({
  id: "2607.00001", title: "A title", abstract: "An abstract.", arxivId: "2607.00001", doi: null, journalRef: null, comments: [],
  authors: ["Ada Lovelace"], categories: ["cs.CL"], year: 2026, date: "2026-07-01", sources: [], ...over,
});
const entry = (over: Partial<FeedEntry>): FeedEntry => ({
  ...paper(over), score: 0.9, nearest: { id: "2501.00002", title: "Liked <b>paper</b>", cosine: 0.81234 }, words: [{ word: "decoding", weight: 0.3 }], ...over,
});
const HOSTILE = `Speculative <script>alert("x")</script> & 'decoding' *fast* [link](javascript:evil) \u0007 \ud800 ]]>`;
const feed: FeedDocument = {
  since: "2026-06-29",
  until: "2026-07-01",
  items: [
    entry({}),
    entry({ id: "2607.00003", arxivId: "2607.00003", title: HOSTILE, authors: [HOSTILE, "B. Author"], abstract: `${HOSTILE} `.repeat(40), categories: ["cs.CL", "cs.AI"] }),
    entry({ id: "local-paper", arxivId: null, doi: null, authors: [], date: null, title: null, abstract: "No link for this one." }),
  ],
};
const now = new Date("2026-07-02T06:00:00.123Z");

describe("feed formats", () => {
  it("atom is valid XML an Atom reader reads: feed id, title, updated; one entry per paper with a stable id", () => {
    const xml = formatFeed(feed, "atom", { now });
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => ["entry", "author", "link", "category"].includes(name) }).parse(xml);
    const root = parsed.feed;
    expect(root["@_xmlns"]).toBe("http://www.w3.org/2005/Atom");
    expect(root.id).toBe("urn:papers:feed");
    expect(root.updated).toBe("2026-07-02T06:00:00Z");
    expect(root.author[0].name).toBe("papers");
    expect(root.entry).toHaveLength(3);
    const [first, hostile, local] = root.entry;
    expect(first.id).toBe("urn:papers:feed:2607.00001");
    expect(first.link[0]["@_href"]).toBe("https://arxiv.org/abs/2607.00001");
    expect(first.updated).toBe("2026-07-01T00:00:00Z");
    expect(first.summary["#text"]).toContain("Liked <b>paper</b>");
    expect(first.summary["#text"]).toContain("cosine 0.81");
    // Text comes back as written, markup and all, never as elements.
    expect(hostile.title).toContain(`<script>alert("x")</script>`);
    expect(hostile.author[0].name).toContain("<script>");
    expect(hostile.category.map((c: Record<string, string>) => c["@_term"])).toEqual(["cs.CL", "cs.AI"]);
    // No link: the entry carries its content, and the feed's author stands for its missing ones.
    expect(local.link).toBeUndefined();
    expect(local.content["#text"]).toBe("No link for this one.");
    expect(local.updated).toBe("2026-07-02T06:00:00Z");
    // The same paper is the same entry in the next day's feed.
    expect(formatFeed({ ...feed, items: [feed.items[0]!] }, "atom", { now: new Date() })).toContain("<id>urn:papers:feed:2607.00001</id>");
  });

  it("html is one page: no script, nothing loaded from anywhere, links only to the papers' arXiv pages, text escaped", () => {
    const html = formatFeed(feed, "html", { now });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|srcset|action|background|poster)\s*=/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|base|form)\b/i);
    expect(html).not.toMatch(/url\(|@import/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
    expect(urls.sort()).toEqual(["https://arxiv.org/abs/2607.00001", "https://arxiv.org/abs/2607.00003"]);
    expect([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])).toEqual(["https://arxiv.org/abs/2607.00001", "https://arxiv.org/abs/2607.00003"]);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    // Its one inline style is allowed by its own policy, by hash.
    const style = /<style>([^<]*)<\/style>/.exec(html)![1]!;
    expect(html).toContain(`style-src 'sha256-${createHash("sha256").update(style).digest("base64")}'`);
    expect(html).toContain("default-src 'none'");
  });

  it("markdown is a digest whose text cannot make markup", () => {
    const md = formatFeed(feed, "markdown", { now });
    expect(md.split("\n")[0]).toBe("# New papers for you, 2026-06-29 to 2026-07-01");
    expect(md).toContain("1. **[A title](https://arxiv.org/abs/2607.00001)**");
    expect(md).toContain("Ada Lovelace · 2026-07-01 · id `2607.00001`");
    expect(md).toContain("\\*fast\\* \\[link\\](javascript:evil)");
    expect(md).not.toContain("<script>");
    expect(md).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(md).toContain("*Why:* closest to your like “Liked \\<b\\>paper\\</b\\>” (2501.00002), cosine 0.81; words: decoding");
    expect(formatFeed({ ...feed, items: [] }, "markdown", { now })).toContain("No new papers in this window.");
  });
});
