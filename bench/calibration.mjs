#!/usr/bin/env node
// Fits the calibrated relevance (src/ranking/calibration.ts) and its "no confident match"
// threshold, then measures them on data never used to choose:
//   fit and choose: SciFact train queries (809; relevant papers vs the rest of their top 10)
//                   and bench/data/ood-questions-choose.txt (100 questions written for this, far
//                   from biomedical claims; all their hits are irrelevant);
//   measure:        SciFact test queries (300) vs bench/data/ood-questions-heldout.txt (100 more):
//                   the AUROC of the best hit's relevance, the share of test questions wrongly
//                   told "no confident match", and the share of held-out questions told so.
//
//   npm run build && node bench/calibration.mjs [--index DIR] [--data ../shared/data/scifact]
// --index: a SciFact index of the default model (by default the one `papers eval` caches).
import { readFileSync, readdirSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readBeir } from "../dist/eval/beir.js";
import { evaluate } from "../dist/eval/evaluate.js";
import { openIndex } from "../dist/papers.js";
import { auroc, chooseThreshold, fitCalibration, relevance } from "../dist/ranking/calibration.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "/work/shared/data/scifact" },
    index: { type: "string" },
    k: { type: "string", default: "10" },
  },
});
const k = Number(values.k);
const base = resolveOptions({});
let indexDir = values.index;
if (!indexDir) {
  await evaluate(values.data, { ...base, mode: "dense" });
  const cache = join(homedir(), ".cache", "papers", "eval");
  indexDir = join(cache, readdirSync(cache).find((name) => name.startsWith("scifact-") && name.includes("MiniLM")));
}
const index = await openIndex({ ...base, indexDir });
const lines = (file) => readFileSync(new URL(`./data/${file}`, import.meta.url), "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
const oodChoose = lines("ood-questions-choose.txt");
const oodHeld = lines("ood-questions-heldout.txt");

/** Each question's top-k hits (hybrid, the default), plus its relevant papers when judged, with features. */
async function examples(questions, qrels) {
  const out = [];
  for (const [qid, text] of questions) {
    const hits = await index.search(text, k);
    const relevant = qrels?.get(qid) ?? new Map();
    const ids = [];
    for (const id of new Set([...hits.map((h) => h.id), ...[...relevant.keys()]])) {
      try {
        await index.get(id);
        ids.push(id);
      } catch {
        // Not in the index: left out.
      }
    }
    const features = await index.matchFeatures(text, ids);
    const top = new Set(hits.map((h) => h.id));
    out.push({ qid, features: features.map((f, i) => ({ features: f, relevant: (relevant.get(ids[i]) ?? 0) > 0, top: top.has(ids[i]) })) });
  }
  return out;
}

const started = performance.now();
const train = readBeir(values.data, "train");
const test = readBeir(values.data, "test");
const trainExamples = await examples(train.queries, train.qrels);
const oodChooseExamples = await examples(oodChoose.map((q, i) => [`ood${i}`, q]));
const fitted = fitCalibration([...trainExamples, ...oodChooseExamples].flatMap((q) => q.features));
const calibration = { model: index.info().model, ...fitted, threshold: 0.5 };
const topScore = (q, cal) => Math.max(...q.features.filter((f) => f.top).map((f) => relevance(f.features, cal)));
calibration.threshold = chooseThreshold(trainExamples.map((q) => topScore(q, calibration)), oodChooseExamples.map((q) => topScore(q, calibration)));

const testExamples = await examples(test.queries, test.qrels);
const oodHeldExamples = await examples(oodHeld.map((q, i) => [`held${i}`, q]));
const testTop = testExamples.map((q) => topScore(q, calibration));
const heldTop = oodHeldExamples.map((q) => topScore(q, calibration));
const topCosine = (q) => Math.max(...q.features.filter((f) => f.top).map((f) => f.features.cosine));
const topLexical = (q) => Math.max(...q.features.filter((f) => f.top).map((f) => f.features.lexical));
const share = (xs, pred) => xs.filter(pred).length / xs.length;
const report = {
  model: calibration.model,
  calibration,
  fit_on: { scifact_train_queries: trainExamples.length, ood_questions: oodChooseExamples.length },
  measured_on: { scifact_test_queries: testExamples.length, ood_questions_held_out: oodHeldExamples.length },
  auroc_top_relevance: auroc(testTop, heldTop),
  auroc_top_cosine_alone: auroc(testExamples.map(topCosine), oodHeldExamples.map(topCosine)),
  auroc_top_bm25_share_alone: auroc(testExamples.map(topLexical), oodHeldExamples.map(topLexical)),
  auroc_top_hybrid_score: 0.5, // min-max fusion gives every question's top hit 1.0
  scifact_test_wrongly_flagged: share(testTop, (s) => s < calibration.threshold),
  ood_held_out_flagged: share(heldTop, (s) => s < calibration.threshold),
  scifact_train_wrongly_flagged: share(trainExamples.map((q) => topScore(q, calibration)), (s) => s < calibration.threshold),
  ood_choose_flagged: share(oodChooseExamples.map((q) => topScore(q, calibration)), (s) => s < calibration.threshold),
  seconds: (performance.now() - started) / 1000,
};
console.log(JSON.stringify(report, null, 2));
mkdirSync(new URL("./results", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/calibration.json", import.meta.url), JSON.stringify(report, null, 2));
await index.close();
