/**
 * The topic map's storage with an index generation: written with it and checksummed by its
 * manifest, read back as written, refused when damaged, computed (not stored) for an index
 * written before topics existed and stored by its next write, and extended or recomputed as
 * papers change. The hash embedder stands in for the model: nothing here is about meaning.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexPaperList, openIndex, removePapers, RECOMPUTE_SHARE, type Paper } from "../../src/papers.js";
import { TOPIC_MAP_FILE, topicMapProblem } from "../../src/store/shared/topic-map-store.js";
import { readTopicMap, writeTopicMap } from "../../src/store/folder/topic-map-file.js";
import type { TopicMap } from "../../src/map/topic-map.js";
import { seededRandom } from "../../src/map/knn.js";
import { hashEmbedderLoader } from "../hash-embedder.js";
import { tempDir } from "../helpers.js";

const THEMES = [
  "protein folding enzyme binding molecule structure residue kinase membrane peptide",
  "galaxy stellar orbit telescope redshift cosmic supernova planet spectrum quasar",
  "compiler parser syntax bytecode register allocation loop inlining runtime garbage",
].map((t) => t.split(" "));

function papers(count: number, from = 0): Paper[] {
  const random = seededRandom(7 + from);
  return Array.from({ length: count }, (_, n) => {
    const i = from + n;
    const words = THEMES[i % THEMES.length]!;
    const text = Array.from({ length: 25 }, () => words[Math.floor(random() * words.length)]).join(" ");
    return {
      id: `p${i}`, title: `Paper ${i}`, abstract: `We study ${text}.`, arxivId: null, doi: null, journalRef: null,
      comments: [], authors: [], categories: [], year: null, date: null, sources: [{ file: "test", line: i + 1 }],
    };
  });
}

const options = () => ({ indexDir: join(tempDir(), "index"), embedder: hashEmbedderLoader() });

async function storedDir(indexDir: string): Promise<string> {
  const index = await openIndex({ indexDir });
  await index.close();
  return index.location;
}

async function storedMap(indexDir: string): Promise<TopicMap> {
  const index = await openIndex({ indexDir });
  try {
    return readTopicMap(index.location)!;
  } finally {
    await index.close();
  }
}

describe("topic map storage", () => {
  it("is written with the generation and checksummed by its manifest", async () => {
    const opts = options();
    await indexPaperList(papers(60), ["test"], opts);
    const index = await openIndex(opts);
    try {
      expect(await index.hasStoredTopicMap()).toBe(true);
      const manifest = JSON.parse(readFileSync(join(index.location, "manifest.json"), "utf8"));
      expect(manifest.files[TOPIC_MAP_FILE].size).toBe(readFileSync(join(index.location, TOPIC_MAP_FILE)).length);
      const topics = await index.topics();
      // Three vocabularies, three topics, each named by its own words.
      expect(topics).toHaveLength(3);
      expect(topics.reduce((s, t) => s + t.size, 0)).toBe(60);
      for (const t of topics) {
        expect(t.representatives).toHaveLength(3);
        const theme = THEMES.find((words) => words.includes(t.terms[0]!.split(" ")[0]!))!;
        expect(t.terms.slice(0, 3).every((term) => term.split(" ").every((w) => theme.includes(w)))).toBe(true);
      }
      const map = await index.map();
      expect(new Set(map.ids)).toEqual(new Set((await index.list()).map((p) => p.id)));
      expect([...map.x, ...map.y].every((v) => v >= 0 && v <= 1)).toBe(true);
    } finally {
      await index.close();
    }
  });

  it("reads back what was written, and names what is wrong with a damaged one", () => {
    const dir = tempDir();
    const map: TopicMap = {
      version: 1, computedAt: "2026-01-01T00:00:00.000Z", basis: 2, changed: 0,
      topics: [{ id: 0, label: "a, b", terms: ["a", "b"], size: 2, representatives: [4, 9], x: 0.5, y: 0.5 }],
      centroids: [[1, 0]], labels: [4, 9], x: [0.25, 0.75], y: [0, 1], topic: [0, 0],
    };
    expect(readTopicMap(dir)).toBeNull();
    writeTopicMap(dir, map);
    expect(readTopicMap(dir)).toEqual(map);
    expect(topicMapProblem({ ...map, x: [0.25] })).toBe("labels, x, y and topic differ in length");
    expect(topicMapProblem({ ...map, topic: [0, 3] })).toBe("a paper's topic is out of range");
    expect(topicMapProblem({ ...map, version: 99 })).toMatch(/^version 99/);
    writeFileSync(join(dir, TOPIC_MAP_FILE), "{not json");
    expect(() => readTopicMap(dir)).toThrow(expect.objectContaining({ code: "INDEX_DAMAGED" }));
  });

  it("refuses to open a generation whose topic map was changed", async () => {
    const opts = options();
    await indexPaperList(papers(30), ["test"], opts);
    const dir = await storedDir(opts.indexDir);
    const path = join(dir, TOPIC_MAP_FILE);
    // Same size, one position changed: only the checksum can tell.
    writeFileSync(path, readFileSync(path, "utf8").replace(/"x":\[0\.(\d)/, (_m, d) => `"x":[0.${d === "1" ? "2" : "1"}`));
    await expect(openIndex(opts)).rejects.toMatchObject({ code: "INDEX_DAMAGED", message: expect.stringContaining(`${TOPIC_MAP_FILE} checksum mismatch`) });
  });

  it("is computed on the fly for an index written before topics, and stored by its next write", async () => {
    const opts = options();
    await indexPaperList(papers(45), ["test"], opts);
    const written = await storedMap(opts.indexDir);
    // Make it an index from before topics: no file, no checksum for it.
    const dir = await storedDir(opts.indexDir);
    rmSync(join(dir, TOPIC_MAP_FILE));
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    delete manifest.files[TOPIC_MAP_FILE];
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));

    const old = await openIndex(opts);
    try {
      expect(await old.hasStoredTopicMap()).toBe(false);
      const { computedAt: _a, ...computed } = await old.topicMap();
      const { computedAt: _b, ...stored } = written;
      expect(computed).toEqual(stored);
    } finally {
      await old.close();
    }
    // Readers never write: it is still not stored.
    const again = await openIndex(opts);
    expect(await again.hasStoredTopicMap()).toBe(false);
    await again.close();

    const summary = await indexPaperList(papers(45), ["test"], opts);
    expect(summary.embedded).toBe(0);
    const next = await openIndex(opts);
    expect(next.location).not.toBe(dir);
    expect(await next.hasStoredTopicMap()).toBe(true);
    await next.close();
  });

  it("with computeMap false, is not computed from scratch, but a stored one is still brought up to date", async () => {
    const opts = options();
    const first = await indexPaperList(papers(30), ["test"], { ...opts, computeMap: false });
    const none = await openIndex(opts);
    expect(await none.hasStoredTopicMap()).toBe(false);
    await none.close();
    // Nothing changed and no map asked for: no new generation.
    const again = await indexPaperList(papers(30), ["test"], { ...opts, computeMap: false });
    expect(again.manifest.builtAt).toBe(first.manifest.builtAt);

    await indexPaperList(papers(30), ["test"], opts);
    expect((await storedMap(opts.indexDir)).labels).toHaveLength(30);
    await indexPaperList([...papers(30), ...papers(2, 30)], ["test"], { ...opts, computeMap: false });
    const extended = await storedMap(opts.indexDir);
    expect([extended.basis, extended.changed, extended.labels.length]).toEqual([30, 2, 32]);
    // Over RECOMPUTE_SHARE: left unstored rather than computed again.
    await indexPaperList([...papers(30), ...papers(10, 30)], ["test"], { ...opts, computeMap: false });
    const after = await openIndex(opts);
    expect(await after.hasStoredTopicMap()).toBe(false);
    await after.close();
  });

  it("places a few new papers among the old ones, and recomputes once enough have changed", async () => {
    const opts = options();
    await indexPaperList(papers(60), ["test"], opts);
    const first = await storedMap(opts.indexDir);
    expect([first.basis, first.changed]).toEqual([60, 0]);

    // 4 new papers: under RECOMPUTE_SHARE of 60, so the old ones stay where they were.
    await indexPaperList([...papers(60), ...papers(4, 60)], ["test"], opts);
    const extended = await storedMap(opts.indexDir);
    expect([extended.basis, extended.changed]).toEqual([60, 4]);
    first.labels.forEach((label, i) => {
      const at = extended.labels.indexOf(label);
      expect([extended.x[at], extended.y[at], extended.topic[at]]).toEqual([first.x[i], first.y[i], first.topic[i]]);
    });
    // A new paper joins the topic of its theme's papers.
    const reader = await openIndex(opts);
    const ids = (await reader.map()).ids;
    await reader.close();
    const id = (label: number) => ids[extended.labels.indexOf(label)];
    const newLabel = extended.labels.find((l) => !first.labels.includes(l))!;
    const theme = Number(id(newLabel)!.slice(1)) % 3;
    const sameTheme = extended.labels.find((l) => first.labels.includes(l) && Number(id(l)!.slice(1)) % 3 === theme)!;
    expect(extended.topic[extended.labels.indexOf(newLabel)]).toBe(extended.topic[extended.labels.indexOf(sameTheme)]);

    // Removing 3 more makes 7 changed papers, over 10% of 60: computed again from scratch.
    expect(4 + 3).toBeGreaterThan(RECOMPUTE_SHARE * 60);
    await removePapers(["p0", "p1", "p2"], opts);
    const recomputed = await storedMap(opts.indexDir);
    expect([recomputed.basis, recomputed.changed]).toEqual([61, 0]);
    expect(recomputed.labels).toHaveLength(61);
  });
});
