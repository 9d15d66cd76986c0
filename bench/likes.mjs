#!/usr/bin/env node
// What saving a like costs, as the index grows: N synthetic papers (random clustered unit vectors
// of dimension 384, as all-MiniLM-L6-v2's; nothing embedded), then `likePapers` timed (median of
// --runs, each a commit of its own), beside what the alternatives would cost in a folder: copying
// the generation's files instead of linking them, and what a server pays to serve the new
// generation (openIndex: checksums, the graph loaded).
//
//   npm run build && node bench/likes.mjs [--papers 50000] [--runs 7] [--store postgresql://USER@/DB?host=/dir]
//
// Writes bench/results/likes.json.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { documentText } from "../dist/corpus/paper.js";
import { likePapers, openIndex } from "../dist/papers.js";
import { openStore } from "../dist/store/open-store.js";
import { gaussianFrom, seededRandom, unit } from "./synthetic-vectors.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const { values } = parseArgs({ options: { papers: { type: "string", default: "50000" }, runs: { type: "string", default: "7" }, store: { type: "string" } } });
const N = Number(values.papers);
const D = 384;
const RUNS = Number(values.runs);
const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const random = seededRandom(42);
const gaussian = gaussianFrom(random);
const centres = Array.from({ length: 200 }, () => unit(Float32Array.from({ length: D }, gaussian)));
const papers = [];
const byText = new Map();
for (let i = 0; i < N; i++) {
  const centre = centres[Math.floor(random() * centres.length)];
  const v = unit(Float32Array.from({ length: D }, (_, j) => centre[j] + (0.7 / Math.sqrt(D)) * gaussian()));
  const paper = {
    id: `syn${i}`, title: `Synthetic paper ${i}`, abstract: `synthetic paper ${i} about topic ${i % 997} and method ${i % 89}`, arxivId: null, doi: null,
    journalRef: null, comments: [], authors: [`Author ${i % 5000}`], categories: [`syn.${i % 40}`], year: 1990 + (i % 35), sources: [{ file: "synthetic", line: i + 1 }],
  };
  papers.push(paper);
  byText.set(documentText(paper), v);
}
const spec = { id: "synthetic/random", dimension: D, pooling: "mean", maxTokens: 256, queryPrefix: "", documentPrefix: "", normalize: true };
const embedder = {
  describe: async () => spec,
  load: async () => ({
    model: spec, dtype: "fp32",
    embedDocuments: async (texts, onProgress) => (onProgress?.(texts.length), texts.map((t) => byText.get(t))),
    embedQuery: async () => papers.length && byText.get(documentText(papers[0])),
    embedQueries: async (texts) => texts.map(() => byText.get(documentText(papers[0]))),
    dispose: async () => {},
  }),
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timed = async (work) => {
  const t = performance.now();
  await work();
  return performance.now() - t;
};

const report = { papers: N, dimension: D, runs: RUNS, stores: {} };
const folder = join(mkdtempSync(join(tmpdir(), "papers-likes-")), "index");
const targets = [["folder", { indexDir: folder }]];
if (values.store) targets.push(["postgres", { indexDir: join(tmpdir(), "unused"), store: `${values.store}${values.store.includes("?") ? "&" : "?"}schema=bench_likes` }]);
for (const [name, options] of targets) {
  log(`indexing ${N} papers into ${name}…`);
  const store = await openStore(options);
  const loader = await embedder.load();
  await store.update(papers, { spec, dtype: "fp32" }, async () => loader, { rebuild: true, checkpointEvery: 50_000, computeMap: false });
  await store.close();
  const like = [];
  for (let run = 0; run < RUNS; run++) like.push(await timed(() => likePapers([`syn${run * 7}`, `syn${run * 7 + 1}`], { ...options, embedder })));
  let index;
  const open = await timed(async () => (index = await openIndex({ ...options, embedder })));
  const likes = await index.likes();
  const bytes = index.info().sizeBytes;
  await index.close();
  const entry = { like_ms_median: Number(median(like).toFixed(1)), like_ms: like.map((ms) => Number(ms.toFixed(1))), open_index_ms: Number(open.toFixed(0)), liked: likes.liked.length, index_bytes: bytes };
  if (name === "folder") {
    const live = join(folder, readFileSync(join(folder, "CURRENT"), "utf8").trim());
    const scratch = mkdtempSync(join(tmpdir(), "papers-likes-copy-"));
    entry.copy_files_ms = Number((await timed(async () => { for (const file of ["papers.db", "papers.hnsw"]) copyFileSync(join(live, file), join(scratch, file)); })).toFixed(0));
    entry.likes_json_bytes = statSync(join(live, "likes.json")).size;
    rmSync(scratch, { recursive: true, force: true });
  }
  report.stores[name] = entry;
  log(`${name}: ${JSON.stringify(entry)}`);
}
rmSync(join(folder, ".."), { recursive: true, force: true });
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "likes.json"), JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify(report, null, 2));
