/**
 * At scale: no array of papers or labels is ever spread into a call's arguments (V8 overflows
 * its stack past about 125,000 of them). An index of 140,000 papers is updated and listed, and
 * the list formatter runs over 300,000.
 *
 * The generation is written directly (store, a cheap HNSW graph, manifest), not by
 * embedding: building hnswlib's default graph (M 16, efConstruction 200) over 300,000 vectors
 * takes minutes, and the graph's quality is not what this test is about. Updating it then goes
 * through the library as a user's `papers index --no-map` does.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatList } from "../src/cli/format.js";
import { newPaper, type Paper } from "../src/corpus/paper.js";
import { normalize } from "../src/embed/embedder.js";
import { checksumFiles } from "../src/store/folder/checksums.js";
import { commitGeneration } from "../src/store/folder/generations.js";
import { DATA_FILES, HNSW_FILE, MANIFEST_FILE, STORE_FILE } from "../src/store/folder/manifest-file.js";
import { FORMAT_VERSION, corpusFingerprint, type Manifest } from "../src/store/shared/manifest.js";
import { PaperTable } from "../src/store/folder/paper-table.js";
import { VectorIndex } from "../src/store/shared/vector-index.js";
import { contentHash } from "../src/corpus/paper.js";
import { indexPaperList, openIndex } from "../src/papers.js";
import { HASH_MODEL, hashEmbedderLoader } from "./hash-embedder.js";
import { tempDir } from "./helpers.js";

const N = 300_000;
/**
 * The full path (write, update, list) runs at 140,000: over the ~126,000 values at which spreading
 * into Math.max overflowed (node 20), and half the time of 300,000 (235 s on the shared 2-core
 * test machine, most of it writing the store); formatList is tested at 300,000. The next free label
 * comes from SQLite (max over papers and passages), not from an array.
 */
const N_FULL = 140_000;
/** A small dimension keeps the hand-built graph cheap; the code paths are the same at any. */
const MODEL = { ...HASH_MODEL, id: "test/hash-embedder-4d", dimension: 4 };

const paper = (i: number): Paper =>
  newPaper({ id: `p${i}`, title: `Paper ${i}`, abstract: `Synthetic abstract number ${i} on topic ${i % 97}.`, sources: [{ file: "synthetic", line: i + 1 }] });

describe("an index of more papers than a call's arguments can take", () => {
  it("lists 300,000 papers without spreading their ids into Math.max", () => {
    const papers = Array.from({ length: N }, (_, i) => paper(i));
    const lines = formatList(papers).split("\n");
    expect(lines).toHaveLength(N);
    expect(lines[N - 1]).toMatch(/^p299999\s+Paper 299999$/);
  });

  it(`can be updated and listed (at ${N_FULL.toLocaleString("en-US")} papers)`, async () => {
    const indexDir = join(tempDir("papers-scale-"), "index");
    const papers = Array.from({ length: N_FULL }, (_, i) => paper(i));
    await commitGeneration(indexDir, async (dir) => {
      const params = { m: 4, efConstruction: 8, efSearch: 50 };
      const vectors = VectorIndex.create(MODEL.dimension, N_FULL, params);
      for (let i = 0; i < N_FULL; i++) vectors.add(i, normalize(Float32Array.from([Math.sin(i), Math.cos(i), Math.sin(i * 0.37), 1])));
      vectors.save(join(dir, HNSW_FILE));
      const store = PaperTable.create(join(dir, STORE_FILE));
      store.upsert(papers.map((p, label) => ({ label, paper: p })));
      store.close();
      const manifest: Manifest = {
        formatVersion: FORMAT_VERSION,
        model: { ...MODEL, dtype: "q8" },
        count: N_FULL,
        builtAt: new Date().toISOString(),
        fingerprint: corpusFingerprint(papers.map((p) => [p.id.toLowerCase(), contentHash(p)] as const)),
        hnsw: params,
        deletedVectors: 0,
        files: checksumFiles(dir, DATA_FILES),
      };
      writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
    });

    // No topic map: UMAP over 140,000 papers takes many minutes (bench/map.mjs measures it).
    const options = { indexDir, embedder: hashEmbedderLoader(MODEL), computeMap: false };
    const added = newPaper({ id: "new-one", abstract: "A new paper added to a very large index.", sources: [{ file: "new", line: 1 }] });
    const summary = await indexPaperList([...papers.slice(0, 10), added], [], options);
    expect(summary).toMatchObject({ added: 1, unchanged: 10, embedded: 1 });
    expect(summary.manifest.count).toBe(N_FULL + 1);

    const index = await openIndex(options);
    try {
      const list = await index.list();
      expect(list).toHaveLength(N_FULL + 1);
      expect((await index.get("new-one")).abstract).toMatch(/very large index/);
      const lines = formatList(list).split("\n");
      expect(lines).toHaveLength(N_FULL + 1);
    } finally {
      await index.close();
    }
  }, 600_000);
});
