#!/usr/bin/env node
// Builds a folder index of the papers whose vectors an indexing run (running, or killed) has
// already checkpointed, embedding nothing: a real index of part of a corpus while the whole one
// is still being built. The checkpoint is only read.
//
//   npm run build && node bench/index-from-checkpoint.mjs --checkpoint /work/idx/arxiv/checkpoint.db \
//        --data ../shared/data/arxiv-cs-listings/papers.jsonl.gz --index /tmp/arxiv-part [--model minilm] [--dtype q8]
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { contentHash } from "../dist/corpus/paper.js";
import { readCorpus } from "../dist/corpus/read-corpus.js";
import { transformersLoader } from "../dist/embed/transformers-embedder.js";
import { indexPaperList } from "../dist/papers.js";

const { values } = parseArgs({
  options: {
    checkpoint: { type: "string" },
    data: { type: "string" },
    index: { type: "string" },
    model: { type: "string", default: "Xenova/all-MiniLM-L6-v2" },
    dtype: { type: "string", default: "q8" },
  },
});
const db = new Database(values.checkpoint, { readonly: true, fileMustExist: true });
const model = db.prepare("SELECT value FROM meta WHERE key = 'model'").pluck().get();
if (model !== `${values.model}/${values.dtype}`) throw new Error(`the checkpoint holds ${model}, not ${values.model}/${values.dtype}`);
const get = db.prepare("SELECT vector FROM vectors WHERE hash = ?").pluck();
const { papers } = await readCorpus([values.data]);
const vectors = new Map();
const found = papers.filter((paper) => {
  const blob = get.get(contentHash(paper));
  if (blob) vectors.set(contentHash(paper), new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)));
  return !!blob;
});
db.close();
const real = transformersLoader({ offline: true });
const byText = new Map();
const { documentText } = await import("../dist/corpus/paper.js");
for (const paper of found) byText.set(documentText(paper), vectors.get(contentHash(paper)));
const loader = {
  describe: (name, dtype) => real.describe(name, dtype),
  load: async (spec, dtype) => ({
    model: spec,
    dtype,
    embedDocuments: async (texts, onProgress) => (onProgress?.(texts.length), texts.map((t) => byText.get(t))),
    embedQuery: async () => {
      throw new Error("no questions here");
    },
    embedQueries: async () => {
      throw new Error("no questions here");
    },
    dispose: async () => {},
  }),
};
const summary = await indexPaperList(found, [values.data], { indexDir: values.index, model: values.model, dtype: values.dtype, embedder: loader, offline: true, rebuild: true, checkpointEvery: 8192 });
console.log(`${summary.manifest.count} of ${papers.length} papers, from the checkpoint, in ${values.index} (${summary.seconds.toFixed(1)} s)`);
