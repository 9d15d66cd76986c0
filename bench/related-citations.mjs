#!/usr/bin/env node
// Chooses the default of `papers related --by`: meaning (dense) against both (dense fused with
// co-citation and coupling, src/citations/) and citations alone, on a corpus where citation links
// exist. The links are SciFact's: each claim was written from a citing sentence of a paper and
// lists the corpus abstracts that sentence cites (cited_doc_ids). Each distinct cited set is one
// citing unit, indexed as a paper whose references are those abstracts (linked by DOI stand-ins).
//
// Held-out co-citation: for a unit S citing two or more papers and each P in S, the papers S cites
// besides P are the ground truth, and S itself is hidden from the graph (its links would give the
// answer away): any citation evidence must come from other units. Units never count as results.
// Weights are chosen on the queries of even units and reported on the odd ones, and on all.
//
// Limits: the graph is sparse (most abstracts are cited by one unit), units are sentences, not
// whole reference lists, and the ground truth is co-citation, the very signal `citations` uses,
// so the figure says whether citations add to meaning when they exist, not how papers feel to a reader.
//
//   npm run build && node bench/related-citations.mjs [--others 1500] [--reuse]
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import { indexPaperList, openIndex } from "../dist/papers.js";
import { CitationGraph } from "../dist/citations/graph.js";
import { fuseRelated } from "../dist/citations/related-fusion.js";
import { CITATIONS_ARTIFACT, parseCitations } from "../dist/store/shared/citations-store.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: new URL("../../shared/data/scifact/", import.meta.url).pathname },
    others: { type: "string", default: "1500" },
    dir: { type: "string", default: "/tmp/papers-related-citations" },
    reuse: { type: "boolean", default: false },
  },
});
const K = 10;
const DEPTH = 100;
const WEIGHTS = [0.1, 0.2, 0.3, 0.5, 0.7];

const docs = new Map(
  readFileSync(`${values.data}corpus.jsonl`, "utf8").trim().split("\n").map((line) => {
    const doc = JSON.parse(line);
    return [doc._id, { title: doc.title, abstract: doc.text }];
  }),
);
const units = new Map();
for (const split of ["claims_train.csv", "claims_validation.csv"]) {
  const rows = parse(execFileSync("unzip", ["-p", `${values.data}original-hf-csv/scifact.zip`, split]), { columns: true });
  for (const row of rows) {
    const cited = [...new Set(row.cited_doc_ids.match(/\d+/g) ?? [])].filter((id) => docs.has(id)).sort();
    if (cited.length === 0) continue;
    const key = cited.join(" ");
    if (!units.has(key)) units.set(key, { id: `unit-${units.size}`, claim: row.claim, cited });
  }
}
const cited = new Set([...units.values()].flatMap((u) => u.cited));
const others = [...docs.keys()].filter((id) => !cited.has(id)).slice(0, Number(values.others));
const paper = (id, fields) => ({ arxivId: null, journalRef: null, comments: [], authors: [], categories: [], year: null, date: null, sources: [{ file: "scifact", line: 1 }], ...fields, id });
const library = [
  ...[...cited, ...others].map((id) => paper(`sf${id}`, { title: docs.get(id).title, abstract: docs.get(id).abstract, doi: `10.0/scifact.${id}` })),
  ...[...units.values()].map((u) => paper(u.id, {
    title: null, abstract: u.claim, doi: null,
    references: u.cited.map((id) => ({ raw: docs.get(id).title, label: null, authors: [], title: docs.get(id).title, year: null, venue: null, doi: `10.0/scifact.${id}`, arxivId: null, url: null })),
  })),
];
const options = { indexDir: values.dir };
if (!values.reuse || !existsSync(values.dir)) {
  const started = performance.now();
  await indexPaperList(library, ["scifact"], { ...options, rebuild: true, computeMap: false });
  console.error(`indexed ${library.length} papers in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

const index = await openIndex(options);
const graph = new CitationGraph(parseCitations(await index.artifact(CITATIONS_ARTIFACT), values.dir));
const isUnit = (id) => id.startsWith("unit-");
const queries = [];
for (const [n, unit] of [...units.values()].entries()) {
  if (unit.cited.length < 2) continue;
  for (const id of unit.cited) queries.push({ half: n % 2, unit: unit.id, id: `sf${id}`, truth: new Set(unit.cited.filter((c) => c !== id).map((c) => `sf${c}`)) });
}

function scores(ranked, truth) {
  const top = ranked.slice(0, K);
  const hits = top.filter((id) => truth.has(id)).length;
  let dcg = 0;
  top.forEach((id, i) => (dcg += truth.has(id) ? 1 / Math.log2(i + 2) : 0));
  let ideal = 0;
  for (let i = 0; i < Math.min(K, truth.size); i++) ideal += 1 / Math.log2(i + 2);
  return { recall: hits / truth.size, ndcg: dcg / ideal };
}

const runs = [];
for (const q of queries) {
  const dense = (await index.related(q.id, DEPTH, "dense")).filter((hit) => !isUnit(hit.id)).map((hit) => ({ id: hit.id, score: hit.score }));
  const neighbours = graph.neighbours(q.id, new Set([q.unit])).filter((n) => !isUnit(n.id));
  const lists = { meaning: dense.map((d) => d.id), citations: neighbours.map((n) => n.id) };
  for (const w of WEIGHTS) lists[`both ${w}`] = neighbours.length === 0 ? lists.meaning : fuseRelated(dense, neighbours, w).map((f) => f.id);
  runs.push({ ...q, evidence: neighbours.length > 0, results: Object.fromEntries(Object.entries(lists).map(([name, ids]) => [name, scores(ids, q.truth)])) });
}
await index.close();

function report(label, chosen) {
  const mean = (name, key) => chosen.reduce((s, r) => s + r.results[name][key], 0) / chosen.length;
  console.log(`\n${label}: ${chosen.length} queries, ${chosen.filter((r) => r.evidence).length} with citation evidence once their unit is hidden`);
  for (const name of Object.keys(chosen[0].results)) console.log(`  ${name.padEnd(10)} recall@${K} ${mean(name, "recall").toFixed(4)}  nDCG@${K} ${mean(name, "ndcg").toFixed(4)}`);
}
console.log(`SciFact: ${library.length - units.size} abstracts (${cited.size} cited, ${others.length} others), ${units.size} citing units, ${queries.length} queries`);
const tuning = runs.filter((r) => r.half === 0);
const mean = (list, name) => list.reduce((s, r) => s + r.results[name].ndcg, 0) / list.length;
const best = WEIGHTS.reduce((a, b) => (mean(tuning, `both ${b}`) > mean(tuning, `both ${a}`) ? b : a));
console.log(`citation weight chosen on the even units (nDCG@${K}): ${best}`);
report("even units (tuning)", tuning);
report("odd units (held out)", runs.filter((r) => r.half === 1));
report("all", runs);
report("queries with citation evidence", runs.filter((r) => r.evidence));
