/**
 * The manifest is checked against its schema before anything reads the index: anything missing
 * or out of range is INDEX_DAMAGED with the --rebuild hint, never "unexpected error", never a
 * silently unverified index.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { newPaper } from "../src/corpus/paper.js";
import { readManifest } from "../src/store/folder/manifest-file.js";
import { indexPaperList, isPapersError, openIndex } from "../src/papers.js";
import { hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const root = tempDir("papers-manifest-");
const built = join(root, "built");
const options = (indexDir: string) => ({ indexDir, embedder: hashEmbedderLoader() });
const generation = (indexDir: string) => join(indexDir, readFileSync(join(indexDir, "CURRENT"), "utf8").trim());
let copies = 0;

/** A copy of the built index with its manifest changed by `edit`. */
function withManifest(edit: (manifest: Record<string, any>) => void): string {
  const indexDir = join(root, `copy-${copies++}`);
  cpSync(built, indexDir, { recursive: true });
  const path = join(generation(indexDir), "manifest.json");
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
  return indexDir;
}

async function openError(indexDir: string): Promise<{ code: string; message: string }> {
  try {
    await openIndex(options(indexDir));
  } catch (error) {
    expect(isPapersError(error), String(error)).toBe(true);
    return error as { code: string; message: string };
  }
  throw new Error("opened");
}

beforeAll(async () => {
  const papers = Array.from({ length: 30 }, (_, i) => newPaper({ id: `m-${i}`, abstract: `Manifest test paper ${i} about sea ice.`, sources: [] }));
  await indexPaperList(papers, [], options(built));
});

describe("a manifest out of its schema is INDEX_DAMAGED with the --rebuild hint", () => {
  const cases: [string, (m: Record<string, any>) => void, RegExp][] = [
    ["dimension one more than the graph's", (m) => (m.model.dimension = 65), /papers\.hnsw holds 64-dimensional vectors, the manifest says 65/],
    ["dimension 0", (m) => (m.model.dimension = 0), /model\.dimension must be >= 1/],
    ["dimension a string", (m) => (m.model.dimension = "64"), /model\.dimension must be integer/],
    ["dimension absurd", (m) => (m.model.dimension = 1e9), /model\.dimension must be <= 65536/],
    ["count -5", (m) => (m.count = -5), /count must be >= 0/],
    ["count 1.5", (m) => (m.count = 1.5), /count must be integer/],
    ["dtype fp64", (m) => (m.model.dtype = "fp64"), /model\.dtype must be equal to one of the allowed values/],
    ["no files: checksums are never optional", (m) => delete m.files, /files is missing/],
    ["no checksum for papers.hnsw", (m) => delete m.files["papers.hnsw"], /files\.papers\.hnsw is missing/],
    ["a sha256 that is not one", (m) => (m.files["papers.db"].sha256 = "zz"), /files\.papers\.db\.sha256 must match pattern/],
    ["a negative size", (m) => (m.files["papers.db"].size = -1), /files\.papers\.db\.size must be >= 0/],
    ["hnsw.m 0", (m) => (m.hnsw.m = 0), /hnsw\.m must be >= 2/],
    ["efSearch missing", (m) => delete m.hnsw.efSearch, /hnsw\.efSearch is missing/],
    ["deletedVectors negative", (m) => (m.deletedVectors = -1), /deletedVectors must be >= 0/],
    ["pooling unknown", (m) => (m.model.pooling = "max"), /model\.pooling must be equal to one of the allowed values/],
    ["not an object", (m) => Object.keys(m).forEach((k) => delete m[k]), /formatVersion is missing/],
  ];
  for (const [what, edit, problem] of cases) {
    it(what, async () => {
      const error = await openError(withManifest(edit));
      expect(error.code).toBe("INDEX_DAMAGED");
      expect(error.message).toMatch(problem);
      expect(error.message).toMatch(/run `papers index --rebuild \[paths\.\.\.\]` to rebuild it$/);
    });
  }

  it("a flipped byte in papers.hnsw is caught even when the manifest's files were deleted", async () => {
    const indexDir = withManifest((m) => delete m.files);
    const hnsw = join(generation(indexDir), "papers.hnsw");
    const bytes = readFileSync(hnsw);
    bytes[3000] = bytes[3000]! ^ 0xff;
    writeFileSync(hnsw, bytes);
    expect((await openError(indexDir)).code).toBe("INDEX_DAMAGED");
  });

  it("a built-in model's dimension must be its own", () => {
    const manifest = readManifest(generation(built));
    const dir = join(root, "minilm-385");
    cpSync(generation(built), dir, { recursive: true });
    const write = (dimension: number) =>
      writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, model: { ...manifest.model, id: "Xenova/all-MiniLM-L6-v2", dimension } }));
    write(385);
    expect(() => readManifest(dir)).toThrow(/model\.dimension is 385, but Xenova\/all-MiniLM-L6-v2 embeds in 384\): run `papers index --rebuild/);
    write(384);
    expect(readManifest(dir).model.dimension).toBe(384);
  });

  it("still reads a manifest written before the embedding facts were recorded (id, dimension and dtype only)", () => {
    const manifest = readManifest(generation(built));
    const dir = join(root, "old-facts");
    cpSync(generation(built), dir, { recursive: true });
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, model: { id: "Xenova/all-MiniLM-L6-v2", dimension: 384, dtype: "q8" } }));
    expect(readManifest(dir).model).toMatchObject({ id: "Xenova/all-MiniLM-L6-v2", dimension: 384, dtype: "q8", pooling: "mean", maxTokens: 256, normalize: true });
  });

  it("the untouched index opens", async () => {
    const index = await openIndex(options(built));
    expect(index.info().count).toBe(30);
    await index.close();
  });
});
