#!/usr/bin/env node
// How often `ask`'s evidence is an annotated rationale sentence of SciFact (issue 26 §3), against
// today's `search --explain` (the best sentence of each of the top 5 papers), in the same run.
//
//   For each claim with rationales: first = its first evidence sentence is a rationale; any5 = one
//   of its first five is. A sentence of ours maps to SciFact's annotated sentences by character
//   offsets in the abstract (the annotated sentence it overlaps most), never by splitters agreeing.
//
//   npm run build && node bench/ask-scifact.mjs [--split test|train] [--index DIR] [--data DIR] [--tune]
//
// --tune fits src/ranking/sentence-evidence.ts's SENTENCE_WEIGHTS on the train claims (809; those
// with rationales) and prints them; it never reads test claims. --index: a SciFact index of the
// default model (default: the one `papers eval` caches under $XDG_CACHE_HOME or ~/.cache).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readBeir } from "../dist/eval/beir.js";
import { SCIFACT_DATA, scifactIndex } from "./scifact-index.mjs";
import { openIndex } from "../dist/papers.js";
import { LIMITS } from "../dist/limits.js";
import { trainLogistic } from "../dist/ranking/linear-model.js";
import { featureVector, FEATURE_NAMES, SENTENCE_WEIGHTS, sentenceScore, termSet, jaccard, DUPLICATE_JACCARD } from "../dist/ranking/sentence-evidence.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: SCIFACT_DATA },
    index: { type: "string" },
    split: { type: "string", default: "test" },
    tune: { type: "boolean", default: false },
    k: { type: "string", default: "5" },
    limit: { type: "string" },
    // --tune: the train claims' candidates are kept in this file, so tuning again costs no model run.
    cache: { type: "string" },
  },
});
const k = Number(values.k);
const base = resolveOptions({});
const indexDir = scifactIndex(values.index, values.data);

// --- SciFact's annotated sentences (original-hf-csv/scifact.zip, corpus_train.csv) ---

/** RFC 4180 rows (quoted fields may hold commas, quotes doubled, newlines). */
function csvRows(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else if (c !== "\r") field += c;
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

/** The string literals of a numpy array repr (`['a' "b's"\n 'c']`), each parsed as Python parses one. */
function pythonStrings(repr) {
  const out = [];
  const escapes = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
  for (let i = 0; i < repr.length; i++) {
    const quote = repr[i];
    if (quote !== "'" && quote !== '"') continue;
    let s = "";
    for (i++; repr[i] !== quote; i++) {
      if (repr[i] === "\\") {
        const e = repr[++i];
        if (e === "x") (s += String.fromCharCode(parseInt(repr.slice(i + 1, i + 3), 16))), (i += 2);
        else if (e === "u") (s += String.fromCharCode(parseInt(repr.slice(i + 1, i + 5), 16))), (i += 4);
        else s += escapes[e] ?? "\\" + e;
      } else s += repr[i];
    }
    out.push(s);
  }
  return out;
}

const csv = execFileSync("unzip", ["-p", join(values.data, "original-hf-csv", "scifact.zip"), "corpus_train.csv"], { maxBuffer: 1 << 28 }).toString("utf8");
const [header, ...rows] = csvRows(csv);
const idCol = header.indexOf("doc_id"), abstractCol = header.indexOf("abstract");
/** doc id → its annotated sentences, stripped (BEIR joins them with single spaces). */
const annotated = new Map(rows.filter((r) => r.length > abstractCol).map((r) => [r[idCol], pythonStrings(r[abstractCol]).map((s) => s.trim())]));

/** doc id → [start, end) of each annotated sentence in the abstract the index holds; checked against it. */
const spansCache = new Map();
let unaligned = 0;
function spansOf(id, abstract) {
  if (spansCache.has(id)) return spansCache.get(id);
  let spans = null;
  const sentences = annotated.get(id);
  if (sentences) {
    spans = [];
    let at = 0;
    for (const s of sentences) {
      const start = abstract.indexOf(s, at);
      if (start < 0) {
        spans = null;
        unaligned++;
        break;
      }
      spans.push([start, start + s.length]);
      at = start + s.length;
    }
  }
  spansCache.set(id, spans);
  return spans;
}

/**
 * Whether a sentence of a paper's abstract is a rationale: the annotated sentence it overlaps most
 * is one; strict: it is that annotated sentence exactly (splitters agreeing).
 */
function isRationale(rationales, paper, text, strict = false) {
  const wanted = rationales.get(paper.id);
  if (!wanted) return false;
  const spans = spansOf(paper.id, paper.abstract);
  const start = paper.abstract.indexOf(text);
  if (!spans || start < 0) return false;
  const end = start + text.length;
  let best = -1, overlap = 0;
  spans.forEach(([s, e], i) => {
    const o = Math.min(e, end) - Math.max(s, start);
    if (o > overlap) (overlap = o), (best = i);
  });
  if (strict) return wanted.has(best) && spans[best][0] === start && spans[best][1] === end;
  return wanted.has(best);
}

// --- claims ---
const metadata = new Map(
  readFileSync(join(values.data, "queries.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).map((q) => [q._id, q.metadata ?? {}]),
);
const { queries } = readBeir(values.data, values.tune ? "train" : values.split);
let claims = [...queries].flatMap(([qid, text]) => {
  const rationales = new Map();
  for (const [doc, sets] of Object.entries(metadata.get(qid) ?? {})) {
    const sentences = new Set(sets.flatMap((s) => s.sentences));
    if (sentences.size > 0) rationales.set(doc, sentences);
  }
  return rationales.size > 0 ? [{ qid, text, rationales }] : [];
});
if (values.limit) claims = claims.slice(0, Number(values.limit));

const index = await openIndex({ ...base, indexDir });
const share = (n) => (n / claims.length).toFixed(3);

if (values.tune) {
  // Every candidate of every train claim, labelled; then a coordinate search on the metric itself.
  let data = [];
  if (values.cache && existsSync(values.cache)) data = JSON.parse(readFileSync(values.cache, "utf8"));
  else {
    for (const claim of claims) {
      const { hits, candidates } = await index.askCandidates({ question: claim.text, k });
      data.push(candidates.map((c) => ({ features: c.features, text: c.text, rationale: isRationale(claim.rationales, hits[c.paperIndex], c.text) })));
    }
    if (values.cache) writeFileSync(values.cache, JSON.stringify(data));
  }
  for (const candidates of data) for (const c of candidates) c.terms = termSet(c.text);
  const metric = (weights) => {
    let first = 0, any = 0;
    for (const candidates of data) {
      const sorted = candidates.map((c) => ({ c, score: sentenceScore(c.features, weights) })).sort((a, b) => b.score - a.score);
      const kept = [];
      for (const { c } of sorted) {
        if (kept.length === 5) break;
        if (!kept.some((o) => jaccard(o.terms, c.terms) >= DUPLICATE_JACCARD)) kept.push(c);
      }
      if (kept[0]?.rationale) first++;
      if (kept.some((c) => c.rationale)) any++;
    }
    return { first: first / data.length, any: any / data.length, objective: (first + any) / data.length };
  };
  // Two starts: the shipped weights, and a class-balanced logistic fit (rationale vs not) scaled
  // to cosine 1; the coordinate search goes on from the better.
  const fit = trainLogistic(
    data.flat().map((c) => ({ dense: featureVector(c.features), sparse: { indices: [], values: [] }, positive: c.rationale })),
    FEATURE_NAMES.length,
    0,
    { iterations: 2000, l2: 1e-4, learningRate: 2 },
  );
  const logistic = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, Math.round((fit.dense[i] / fit.dense[0]) * 1000) / 1000]));
  let weights = { ...SENTENCE_WEIGHTS };
  let best = metric(weights);
  console.log("logistic", JSON.stringify(logistic), metric(logistic));
  if (metric(logistic).objective > best.objective) (weights = logistic), (best = metric(logistic));
  console.log("start", JSON.stringify(weights), best);
  const steps = [0.5, 0.2, 0.1, 0.05, 0.02];
  for (const step of steps) {
    for (let improved = true; improved; ) {
      improved = false;
      for (const name of FEATURE_NAMES) {
        if (name === "cosine") continue; // the scale: cosine's weight stays 1
        for (const delta of [step, -step]) {
          const trial = { ...weights, [name]: Math.round((weights[name] + delta) * 1000) / 1000 };
          const m = metric(trial);
          if (m.objective > best.objective + 1e-9) (weights = trial), (best = m), (improved = true);
        }
      }
    }
    console.log("step", step, JSON.stringify(weights), best);
  }
  console.log(`train claims with rationales: ${data.length}; tuned weights:`, JSON.stringify(weights), best);
  await index.close();
  process.exit(0);
}

const counts = { askFirst: 0, askAny: 0, explainFirst: 0, explainAny: 0, paperInTop: 0, strictAskFirst: 0, strictAskAny: 0, strictExplainFirst: 0, strictExplainAny: 0 };
for (const claim of claims) {
  const hits = await index.search(claim.text, k);
  if (hits.some((h) => claim.rationales.has(h.id))) counts.paperInTop++;
  const explained = await index.explain(claim.text, hits);
  const baseline = hits.map((h, i) => isRationale(claim.rationales, h, explained[i].sentence));
  if (baseline[0]) counts.explainFirst++;
  if (baseline.slice(0, 5).some(Boolean)) counts.explainAny++;
  const strictBaseline = hits.map((h, i) => isRationale(claim.rationales, h, explained[i].sentence, true));
  if (strictBaseline[0]) counts.strictExplainFirst++;
  if (strictBaseline.slice(0, 5).some(Boolean)) counts.strictExplainAny++;
  const answer = await index.ask({ question: claim.text, k, budget: LIMITS.maxAskBudget });
  const papers = new Map(hits.map((h) => [h.id, h]));
  const ours = answer.evidence.slice(0, 5).map((e) => isRationale(claim.rationales, papers.get(e.paper.id), e.text));
  if (ours[0]) counts.askFirst++;
  if (ours.some(Boolean)) counts.askAny++;
  const strictOurs = answer.evidence.slice(0, 5).map((e) => isRationale(claim.rationales, papers.get(e.paper.id), e.text, true));
  if (strictOurs[0]) counts.strictAskFirst++;
  if (strictOurs.some(Boolean)) counts.strictAskAny++;
}
console.log(`SciFact ${values.split} claims with rationales: ${claims.length}; top ${k} papers; abstracts not aligned: ${unaligned}`);
console.log(`a rationale's paper in the top ${k}: ${share(counts.paperInTop)}`);
console.log(`search --explain (best sentence of each top paper): first ${share(counts.explainFirst)}, any of 5 ${share(counts.explainAny)}`);
console.log(`ask: first ${share(counts.askFirst)}, any of 5 ${share(counts.askAny)}`);
console.log(`strict (our sentence is exactly the annotated one): search --explain first ${share(counts.strictExplainFirst)}, any ${share(counts.strictExplainAny)}; ask first ${share(counts.strictAskFirst)}, any ${share(counts.strictAskAny)}`);
await index.close();
