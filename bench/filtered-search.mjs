#!/usr/bin/env node
// Where should a filtered dense search stop comparing with every allowed paper and search the
// HNSW graph with a filter instead? (EXACT_SCAN_LIMIT in src/papers.ts.)
//
//   npm run build && node bench/filtered-search.mjs --index DIR [--categories q-bio.NC,cs.CR,...]
//
// For each category filter on an index made by `papers index` (e.g. the arXiv one that
// `bench/index-arxiv.mjs --keep` leaves), embeds ten questions and prints, per category: how many
// papers it allows, the mean time of the exact scan and of the filtered graph search, and the
// graph's recall@10 against the exact answer.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadTransformersEmbedder } from "../dist/embed/transformers-embedder.js";
import { knownModel } from "../dist/embed/models.js";
import { currentGeneration } from "../dist/store/folder/generations.js";
import { HNSW_FILE, STORE_FILE, readManifest } from "../dist/store/folder/manifest-file.js";
import { PaperTable } from "../dist/store/folder/paper-table.js";
import { VectorIndex } from "../dist/store/shared/vector-index.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: {
    index: { type: "string" },
    categories: { type: "string", default: "q-bio.NC,cs.SE,cs.CR,cs.IR,cs.RO,cs.LG,cs.CL,cs.CV" },
  },
});
const options = resolveOptions({ index: values.index });
const generation = currentGeneration(options.indexDir);
if (!generation) throw new Error(`no index at ${options.indexDir}`);
const manifest = readManifest(generation);
const store = PaperTable.open(join(generation, STORE_FILE));
const vectors = VectorIndex.load(join(generation, HNSW_FILE), manifest.model.dimension, manifest.hnsw.efSearch);
const embedder = await loadTransformersEmbedder(knownModel(manifest.model.id), manifest.model.dtype, options);
const questions = [
  "ways to reduce decode latency", "graph neural networks for molecules", "privacy attacks on federated learning",
  "robot grasping with tactile sensing", "speech recognition for low resource languages", "diffusion models for image editing",
  "reinforcement learning from human feedback", "program synthesis with large language models",
  "adversarial robustness of vision transformers", "scheduling in distributed systems",
];
const queryVectors = [];
for (const q of questions) queryVectors.push(await embedder.embedQuery(q));
await embedder.dispose();

console.log(`${manifest.count} papers, ef ${manifest.hnsw.efSearch}, ${questions.length} questions each`);
console.log("| category | papers allowed | exact scan ms | HNSW + filter ms | HNSW recall@10 |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const category of values.categories.split(",")) {
  const allowed = new Set(store.matchingLabels({ category }));
  let found = 0;
  let exactMs = 0;
  let graphMs = 0;
  for (const v of queryVectors) {
    let t = performance.now();
    const exact = new Set(vectors.exactSearch(v, 10, allowed).map((n) => n.label));
    exactMs += performance.now() - t;
    t = performance.now();
    const graph = vectors.search(v, 10, (label) => allowed.has(label));
    graphMs += performance.now() - t;
    found += graph.filter((n) => exact.has(n.label)).length;
  }
  const n = queryVectors.length;
  const recall = found / (n * Math.min(10, allowed.size));
  console.log(`| ${category} | ${allowed.size} | ${(exactMs / n).toFixed(1)} | ${(graphMs / n).toFixed(1)} | ${recall.toFixed(3)} |`);
}
store.close();
