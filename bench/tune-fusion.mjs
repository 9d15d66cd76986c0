#!/usr/bin/env node
// Chooses how hybrid search fuses dense and BM25 rankings: tuned on SciFact train (809 queries),
// reported on test (300). Compares reciprocal rank fusion (several k, weights) with min-max
// normalised score combination (several weights), against dense and lexical alone.
//
//   npm run build && node bench/tune-fusion.mjs [--model minilm] [--dtype fp32]
import { parseArgs } from "node:util";
import { readBeir } from "../dist/eval/beir.js";
import { evaluate } from "../dist/eval/evaluate.js";
import { scoreRuns } from "../dist/eval/metrics.js";
import { openIndex } from "../dist/papers.js";
import { normalizedScoreFusion, reciprocalRankFusion } from "../dist/ranking/fusion.js";
import { resolveOptions } from "../dist/settings.js";
import { homedir } from "node:os";
import { join } from "node:path";
import { readdirSync } from "node:fs";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: new URL("../../shared/data/scifact", import.meta.url).pathname },
    model: { type: "string", default: "minilm" },
    dtype: { type: "string", default: "fp32" },
  },
});
const base = resolveOptions({ model: values.model, dtype: values.dtype });
// evaluate() builds (or reuses) the cached index; its folder name is derived the same way.
const dense = await evaluate(values.data, { ...base, mode: "dense" });
const cache = join(homedir(), ".cache", "papers", "eval");
const slug = `${dense.model.replace("/", "--")}-${dense.dtype}`;
const folder = readdirSync(cache).find((name) => name.endsWith(slug) && name.startsWith("scifact-"));
const index = await openIndex({ ...base, indexDir: join(cache, folder) });

const candidates = {
  dense: (d) => d.dense,
  lexical: (d) => d.lexical,
};
for (const k of [10, 30, 60, 100]) {
  for (const w of [0.5, 1, 2]) candidates[`rrf k=${k} w_lex=${w}`] = (d) => reciprocalRankFusion([d.dense, d.lexical], [1, w], k);
}
for (const a of [0.3, 0.4, 0.5, 0.6, 0.7]) {
  candidates[`minmax a_dense=${a}`] = (d) => normalizedScoreFusion([d.dense, d.lexical], [a, 1 - a]);
}

async function runAll(split) {
  const data = readBeir(values.data, split);
  const runs = Object.fromEntries(Object.keys(candidates).map((name) => [name, new Map()]));
  for (const [qid, text] of data.queries) {
    const lists = await index.rankings(text, 100);
    const idOf = new Map([...lists.dense, ...lists.lexical].map((s) => [s.label, s.id]));
    for (const [name, fuse] of Object.entries(candidates)) {
      runs[name].set(qid, fuse(lists).slice(0, 100).map((s) => idOf.get(s.label)));
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, scoreRuns(run, data.qrels)]));
}

const train = await runAll("train");
const test = await runAll("test");
const best = Object.keys(candidates).filter((n) => n !== "dense" && n !== "lexical").sort((a, b) => train[b].ndcg_at_10 - train[a].ndcg_at_10)[0];
console.log(`${dense.model} (${dense.dtype}) on SciFact: nDCG@10, train (809 queries) and test (300)`);
console.log(`| fusion | train nDCG@10 | test nDCG@10 | test Recall@100 |`);
console.log(`| --- | ---: | ---: | ---: |`);
for (const name of Object.keys(candidates)) {
  const mark = name === best ? " (best on train)" : "";
  console.log(`| ${name}${mark} | ${train[name].ndcg_at_10.toFixed(4)} | ${test[name].ndcg_at_10.toFixed(4)} | ${test[name].recall_at_100.toFixed(4)} |`);
}
await index.close();
