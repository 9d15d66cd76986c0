/**
 * The topic map on two threads (a worker for half the neighbour searches, one for the layout) gives
 * the map one thread gives, to the last digit; a worker that fails leaves its work to the main
 * thread. Run over dist/: worker threads start compiled modules (`npm test` builds first).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type * as Build from "../src/store/shared/topic-map-build.js";
import type { TopicMap } from "../src/map/topic-map.js";

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { buildTopicMap, memoryMapSource } = (await import(dist("store/shared/topic-map-build.js"))) as typeof Build;
const { seededRandom } = (await import(dist("map/knn.js"))) as typeof import("../src/map/knn.js");

const WORDS = [
  ["glacier", "melt", "ice", "sheet", "albedo"],
  ["protein", "folding", "residue", "enzyme", "binding"],
  ["compiler", "register", "allocation", "loop", "vectorization"],
  ["galaxy", "redshift", "dark", "halo", "survey"],
];

/** 1,200 papers in four groups: vectors near each group's direction, texts from its words. */
function papers(): { label: number; vector: Float32Array; text: string }[] {
  const random = seededRandom(11);
  const dimension = 32;
  const centres = WORDS.map(() => Float32Array.from({ length: dimension }, () => random() - 0.5));
  return Array.from({ length: 1200 }, (_, label) => {
    const group = label % WORDS.length;
    const vector = Float32Array.from(centres[group]!, (c) => c + (random() - 0.5) * 0.6);
    const norm = Math.hypot(...vector);
    const words = WORDS[group]!;
    const text = Array.from({ length: 12 }, () => words[Math.floor(random() * words.length)]).join(" ");
    return { label, vector: vector.map((v) => v / norm), text };
  });
}

/** The map without its timestamp, which differs between two computations by design. */
function content(map: TopicMap): Omit<TopicMap, "computedAt"> {
  const { computedAt: _computedAt, ...rest } = map;
  return rest;
}

describe("the topic map on two threads", () => {
  const scratch = mkdtempSync(join(tmpdir(), "papers-map-threads-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const input = papers();

  it("gives the one-thread map exactly, with the searches and the layout done in workers", async () => {
    const one = await buildTopicMap(memoryMapSource(input), { threads: 1 });
    const steps: string[] = [];
    const two = await buildTopicMap(memoryMapSource(input), { threads: 2, onStep: (step) => steps.push(step) });
    expect(steps).toEqual(expect.arrayContaining(["knn in worker", "layout in worker"]));
    expect(one.topics.length).toBeGreaterThan(1);
    expect(content(two)).toEqual(content(one));
  });

  it("opens a graph already saved, and does the work itself when a worker fails", async () => {
    const one = await buildTopicMap(memoryMapSource(input), { threads: 1 });
    const source = memoryMapSource(input);
    const saved = join(scratch, "graph.hnsw");
    (source.graphFile as (path: string) => void)(saved);
    const steps: string[] = [];
    const fromFile = await buildTopicMap({ ...source, graphFile: saved }, { threads: 2, onStep: (step) => steps.push(step) });
    expect(steps).toContain("knn in worker");
    expect(content(fromFile)).toEqual(content(one));
    // A file gone (a generation replaced meanwhile): the worker fails, this thread searches.
    const failed: string[] = [];
    const fallback = await buildTopicMap({ ...source, graphFile: join(scratch, "gone.hnsw") }, { threads: 2, onStep: (step) => failed.push(step) });
    expect(failed).not.toContain("knn in worker");
    expect(content(fallback)).toEqual(content(one));
  });
});
