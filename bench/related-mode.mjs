#!/usr/bin/env node
// Chooses the default mode of `papers related` (and of a text given as the question) on a
// document-to-document task: for arXiv abstracts, the share of the 10 related papers that share
// the paper's primary category (its first). An index of --papers abstracts (every n-th line of
// the arXiv set, so all of its months and categories) is built with the real model into a temp
// folder (kept for --reuse). Fusion weights are chosen on 200 tuning papers; every mode is then
// reported on 200 other papers.
//
//   npm run build && node bench/related-mode.mjs [--papers 3000] [--queries 200] [--reuse]
import { createReadStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createGunzip } from "node:zlib";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { join } from "node:path";
import { indexPapers, openIndex } from "../dist/papers.js";
import { normalizedScoreFusion, reciprocalRankFusion } from "../dist/ranking/fusion.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "/work/shared/data/arxiv-cs-listings/papers.jsonl.gz" },
    papers: { type: "string", default: "3000" },
    queries: { type: "string", default: "200" },
    dir: { type: "string", default: "/tmp/papers-related-mode" },
    reuse: { type: "boolean", default: false },
  },
});
const wanted = Number(values.papers);
const queries = Number(values.queries);
const TOTAL = 74_728;
const every = Math.max(1, Math.floor(TOTAL / wanted));

const records = [];
let line = 0;
for await (const text of createInterface({ input: createReadStream(values.data).pipe(createGunzip()) })) {
  if (line++ % every === 0 && records.length < wanted && text.trim()) records.push(JSON.parse(text));
}
const primary = new Map(records.map((r) => [r.id, r.categories[0]]));
const indexDir = join(values.dir, "index");
const options = { ...resolveOptions({}), indexDir };
if (!values.reuse || !existsSync(indexDir)) {
  mkdirSync(values.dir, { recursive: true });
  const file = join(values.dir, "papers.jsonl");
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const started = performance.now();
  await indexPapers([file], { ...options, rebuild: true });
  console.error(`indexed ${records.length} papers in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const index = await openIndex(options);

// A fixed shuffle (LCG), so every run asks about the same papers.
let state = 12345;
const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const order = records.map((r) => r.id);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const tuning = order.slice(0, queries);
const reported = order.slice(queries, 2 * queries);

const candidates = { dense: (d) => d.dense, lexical: (d) => d.lexical };
for (const a of [0.5, 0.6, 0.7, 0.8, 0.9]) candidates[`hybrid a_dense=${a}`] = (d) => normalizedScoreFusion([d.dense, d.lexical], [a, 1 - a]);
for (const k of [10, 60]) candidates[`rrf k=${k}`] = (d) => reciprocalRankFusion([d.dense, d.lexical], [1, 1], k);

async function shares(ids) {
  const totals = Object.fromEntries(Object.keys(candidates).map((name) => [name, 0]));
  for (const id of ids) {
    const lists = await index.relatedRankings(id, 100);
    const idOf = new Map([...lists.dense, ...lists.lexical].map((s) => [s.label, s.id]));
    for (const [name, fuse] of Object.entries(candidates)) {
      const top = fuse(lists).slice(0, 10);
      totals[name] += top.filter((s) => primary.get(idOf.get(s.label)) === primary.get(id)).length / 10;
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([name, sum]) => [name, sum / ids.length]));
}

const tune = await shares(tuning);
const report = await shares(reported);
const best = Object.keys(candidates).sort((a, b) => tune[b] - tune[a])[0];
console.log(`share of the 10 related papers with the paper's primary category, ${records.length} arXiv abstracts`);
console.log(`| mode | tuning (${tuning.length} papers) | reported (${reported.length} other papers) |`);
console.log("| --- | ---: | ---: |");
for (const name of Object.keys(candidates)) console.log(`| ${name}${name === best ? " (best on tuning)" : ""} | ${tune[name].toFixed(3)} | ${report[name].toFixed(3)} |`);
mkdirSync(new URL("./results", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/related-mode.json", import.meta.url), JSON.stringify({ papers: records.length, tuning: tune, reported: report, best }, null, 2));
await index.close();
