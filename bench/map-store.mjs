#!/usr/bin/env node
// What the topic map costs a store's update, on the real model's vectors of the first --papers
// papers of a folder index (no embedding: the vectors are carried over, as `papers export` does).
// For each store (a fresh folder, and a PostgreSQL schema when --store is given):
//   1. index without the map (computeMap false)            -> the update's time without it
//   2. the same papers again, map asked for (nothing else)  -> the map's cost in an update
//   3. 1% more papers                                       -> extending the stored map
//   4. a reader's first topics() on the library of step 1    -> computing it in memory (no stored map)
//   5. the kNN graph the map needs from the store's own search instead (pgvector for PostgreSQL):
//      one dense search per paper, as a database-side graph would cost
//
//   npm run build && flock /work/cpu.lock node bench/map-store.mjs --index /work/idx/arxiv --papers 5000 \
//       --store 'postgresql://postgres:@/postgres?host=/tmp/papers-pg-0&schema=bench_map'
//
// The schema named is dropped and made anew. Prints JSON.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { indexPaperList, openIndex } from "../dist/papers.js";
import { openStore } from "../dist/store/open-store.js";
import { documentText } from "../dist/corpus/paper.js";

const { values } = parseArgs({
  options: {
    index: { type: "string", default: "/work/idx/arxiv" },
    papers: { type: "string", default: "5000" },
    store: { type: "string" },
  },
});
const count = Number(values.papers);
const extra = Math.ceil(count / 100);

// The source's first papers and their vectors.
const source = await openStore({ indexDir: values.index });
const reader = await source.open();
const entries = (await reader.labelled()).slice(0, count + extra);
const vectors = new Map();
const found = await reader.vectors(entries.map((e) => e.label));
entries.forEach((e, i) => vectors.set(documentText(e.paper), found[i]));
const { dtype, ...spec } = reader.manifest.model;
await reader.close();
await source.close();
const carried = {
  describe: async () => spec,
  load: async () => ({
    model: spec,
    dtype,
    embedDocuments: async (texts, onProgress) => {
      onProgress?.(texts.length);
      return texts.map((t) => vectors.get(t));
    },
    embedQuery: async () => { throw new Error("no questions here"); },
    embedQueries: async () => { throw new Error("no questions here"); },
    dispose: async () => {},
  }),
};
const papers = entries.map((e) => e.paper);

async function measure(options) {
  const opts = { ...options, embedder: carried, dtype };
  const seconds = async (run) => {
    const started = performance.now();
    await run();
    return Math.round(performance.now() - started) / 1000;
  };
  const result = {};
  result.indexWithoutMap = await seconds(() => indexPaperList(papers.slice(0, count), [], { ...opts, computeMap: false }));
  // A reader of a library without a stored map computes it in memory on first use.
  const unmapped = await openIndex(opts);
  const steps = {};
  result.readerComputes = await seconds(() => unmapped.topicMap((step, ms) => (steps[step] = Math.round(ms))));
  result.readerSteps = steps;
  await unmapped.close();
  result.mapInUpdate = await seconds(() => indexPaperList(papers.slice(0, count), [], opts));
  result.extendBy1Percent = await seconds(() => indexPaperList(papers, [], opts));
  const mapped = await openIndex(opts);
  result.storedMapRead = await seconds(() => mapped.topics());
  result.topics = (await mapped.topics()).length;
  result.papers = mapped.info().count;
  await mapped.close();
  const store = await openStore(options);
  const generation = await store.open();
  try {
    const labelled = await generation.labelled();
    const all = await generation.vectors(labelled.map((e) => e.label));
    result.knnThroughStoreSearch = await seconds(async () => {
      for (const vector of all) await generation.denseSearch(vector, 16, { kind: "papers" });
    });
  } finally {
    await generation.close();
    await store.close();
  }
  return result;
}

const out = { papers: count, extra };
const dir = mkdtempSync(join(tmpdir(), "papers-map-store-"));
try {
  out.folder = await measure({ indexDir: join(dir, "index") });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (values.store) {
  const schema = /[?&]schema=([a-z0-9_]+)/.exec(values.store)?.[1];
  if (!schema) throw new Error("--store needs ?schema=NAME (dropped and made anew)");
  const client = new pg.Client({ connectionString: values.store.replace(/[?&]schema=[a-z0-9_]+/, "") });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  try {
    out.postgres = await measure({ indexDir: join(dir, "unused"), store: values.store });
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}
console.log(JSON.stringify(out, null, 2));
