/**
 * The front ends of the topic map: `papers topics`, `papers map --out`, `/api/map` and
 * `/api/topics` give what the library gives. The hash embedder builds the index (no meaning is
 * claimed); reading topics never loads a model.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexPaperList, openIndex, type Paper, type PaperIndex } from "../src/papers.js";
import { buildServer } from "../src/server/app.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { runCli, tempDir } from "./helpers.js";

const WORDS = ["ocean tide coral reef salinity plankton", "violin sonata orchestra chord melody tempo", "wheat harvest soil irrigation crop yield"].map((w) => w.split(" "));
const PAPERS: Paper[] = Array.from({ length: 36 }, (_, i) => ({
  id: `doc-${i}`, title: `Title <${i}> & more`, abstract: `On ${WORDS[i % 3]!.map((w, j) => (j + i) % 4 === 0 ? w : `${w} ${w}`).join(" ")} today.`,
  arxivId: null, doi: null, journalRef: null, comments: [], authors: [], categories: [], year: null, date: null, sources: [{ file: "t", line: i + 1 }],
}));

describe("topics and map from the CLI and the HTTP API", () => {
  const root = tempDir();
  const indexDir = join(root, "index");
  let index: PaperIndex;

  beforeAll(async () => {
    await indexPaperList(PAPERS, ["t"], { indexDir, embedder: hashEmbedderLoader() });
    index = await openIndex({ indexDir });
  });
  afterAll(() => index?.close());

  it("papers topics lists label, size and representative papers; --json is the library's answer", async () => {
    const json = runCli(["--index", indexDir, "topics", "--json"]);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(await index.topics());
    const text = runCli(["--index", indexDir, "topics"]);
    const topics = await index.topics();
    expect(text.stdout.split("\n").filter((l) => /^\d+\. /.test(l))).toEqual(topics.map((t, i) => `${i + 1}. ${t.label} (${t.size} papers)`));
    expect(text.stdout).toContain(`     ${topics[0]!.representatives[0]!.id}  ${topics[0]!.representatives[0]!.title}`);
  });

  it("papers map --out writes the picture as SVG or PNG, and refuses another format in one line", async () => {
    const svgPath = join(root, "map.svg");
    const svg = runCli(["--index", indexDir, "map", "--out", svgPath]);
    expect(svg.status).toBe(0);
    expect(svg.stdout.trim()).toBe(`wrote ${svgPath}: 36 papers, ${(await index.topics()).length} topics`);
    const text = readFileSync(svgPath, "utf8");
    expect(text.match(/<circle /g)).toHaveLength(36);
    for (const t of await index.topics()) expect(text).toContain(`>${t.label}</text>`);

    const pngPath = join(root, "map.png");
    expect(runCli(["--index", indexDir, "map", "--out", pngPath, "--size", "400"]).status).toBe(0);
    const png = readFileSync(pngPath);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([400, 400]);

    const gif = runCli(["--index", indexDir, "map", "--out", join(root, "map.gif")]);
    expect(gif.status).toBe(1);
    expect(gif.stderr).toMatch(/^papers: cannot tell the picture's format from ".*map\.gif": name a \.svg or \.png file\n$/);
    expect(existsSync(join(root, "map.gif"))).toBe(false);
  });

  it("/api/map is the compact map (ids, x, y, topic), /api/topics the topics", async () => {
    const app = buildServer(index);
    try {
      const map = await app.inject({ method: "GET", url: "/api/map" });
      expect(map.statusCode).toBe(200);
      expect(Object.keys(map.json())).toEqual(["ids", "x", "y", "topic"]);
      expect(map.json()).toEqual(await index.map());
      const topics = await app.inject({ method: "GET", url: "/api/topics" });
      expect(topics.json()).toEqual({ topics: await index.topics() });
      expect((await app.inject({ method: "GET", url: "/api/map?k=3" })).statusCode).toBe(400);
      const page = await app.inject({ method: "GET", url: "/map" });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-security-policy"]).toContain("default-src 'none'");
    } finally {
      await app.close();
    }
  });
});
