/** The phase timer of an indexing run (src/phases.ts) and the per-phase seconds an index summary carries. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { indexPapers } from "../../src/papers.js";
import { phase, Phases, withPhases } from "../../src/phases.js";
import { hashEmbedderLoader } from "../hash-embedder.js";
import { tempDir } from "../helpers.js";

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe("phases", () => {
  it("adds up each phase's time over its calls, synchronous and async, and names the rest other", async () => {
    const phases = new Phases();
    const answer = await withPhases(phases, async () => {
      phase("a", () => busy(20));
      phase("a", () => busy(20));
      await phase("b", () => new Promise((resolve) => setTimeout(resolve, 30)));
      busy(15);
      return 7;
    });
    expect(answer).toBe(7);
    const seconds = phases.seconds();
    expect(Object.keys(seconds)).toEqual(["a", "b", "other"]);
    expect(seconds.a).toBeGreaterThanOrEqual(0.04);
    expect(seconds.b).toBeGreaterThanOrEqual(0.025);
    expect(seconds.other).toBeGreaterThanOrEqual(0.015);
  });

  it("times nothing outside a timed run, and still runs the work and passes its errors on", () => {
    expect(phase("x", () => 3)).toBe(3);
    expect(() => phase("x", () => { throw new Error("boom"); })).toThrow("boom");
  });

  it("gives an index run's seconds by phase: reading, the graph, the papers and postings, checksums", async () => {
    const dir = tempDir();
    const file = join(dir, "papers.jsonl");
    writeFileSync(file, Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `p${i}`, title: `Paper ${i}`, abstract: `Cells and graphs, study ${i}.` })).join("\n") + "\n");
    const summary = await indexPapers([file], { indexDir: join(dir, "index"), embedder: hashEmbedderLoader() });
    expect(summary.embedded).toBe(20);
    expect(Object.keys(summary.phases!)).toEqual(expect.arrayContaining(["read", "model load", "checkpoint", "hnsw", "papers and postings", "topic map", "checksums", "verify", "other"]));
    for (const seconds of Object.values(summary.phases!)) expect(seconds).toBeGreaterThanOrEqual(0);
  });
});
