/**
 * A relevance score that means the same for every question. Hybrid scores are min-max normalised
 * per question, so the top hit always scores 1, even for nonsense. This maps two raw signals of a
 * hit, its embedding cosine with the question and the share of the question's BM25 weight it
 * matches, through a logistic function fit on SciFact train queries (relevant papers against the
 * rest) and out-of-domain questions (bench/data/ood-questions-choose.txt), never on test:
 * bench/calibration.mjs fits it and chooses the threshold below which the best hit is "no
 * confident match". Pure functions.
 */
import { trainLogistic, sigmoid } from "./linear-model.js";

export interface MatchFeatures {
  /** Cosine of the question's and the paper's embeddings. */
  cosine: number;
  /** The paper's BM25 score over the most any paper could score for the question (each term's idf · (k1 + 1)): 0–1. */
  lexical: number;
}

export interface Calibration {
  /** The model the fit holds for: cosines of another model mean something else. */
  model: string;
  cosine: number;
  lexical: number;
  bias: number;
  /** A best hit under this relevance is "no confident match". */
  threshold: number;
}

/**
 * Fit by `node bench/calibration.mjs` (all-MiniLM-L6-v2, q8, SciFact train + 100 written
 * questions). Measured there on SciFact test vs 100 more written questions: AUROC 0.987 for the
 * best hit's relevance, 5.3% of test questions wrongly flagged, 95% of the others flagged.
 */
export const CALIBRATION: Calibration = {
  model: "Xenova/all-MiniLM-L6-v2",
  cosine: 2.9368,
  lexical: 5.2702,
  bias: -2.9822,
  threshold: 0.3425,
};

export function relevance(features: MatchFeatures, calibration: Calibration = CALIBRATION): number {
  return sigmoid(calibration.cosine * features.cosine + calibration.lexical * features.lexical + calibration.bias);
}

/** Logistic regression on the two features (class-balanced, as relevant hits are few). */
export function fitCalibration(examples: readonly { features: MatchFeatures; relevant: boolean }[]): Omit<Calibration, "model" | "threshold"> {
  const model = trainLogistic(
    examples.map((e) => ({ dense: new Float32Array([e.features.cosine, e.features.lexical]), sparse: { indices: [], values: [] }, positive: e.relevant })),
    2,
    0,
    { iterations: 3000, l2: 1e-4, learningRate: 4 },
  );
  return { cosine: model.dense[0]!, lexical: model.dense[1]!, bias: model.bias };
}

/** The threshold that best separates the two (Youden's J: true positive rate minus false positive rate). */
export function chooseThreshold(inDomain: readonly number[], outOfDomain: readonly number[]): number {
  const candidates = [...new Set([...inDomain, ...outOfDomain])].sort((a, b) => a - b);
  let best = { threshold: 0.5, j: -Infinity };
  for (const t of candidates) {
    const tpr = inDomain.filter((s) => s >= t).length / inDomain.length;
    const fpr = outOfDomain.filter((s) => s >= t).length / outOfDomain.length;
    if (tpr - fpr > best.j) best = { threshold: t, j: tpr - fpr };
  }
  return best.threshold;
}

/** Area under the ROC curve: the chance a random positive scores above a random negative (ties count half). */
export function auroc(positives: readonly number[], negatives: readonly number[]): number {
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}
