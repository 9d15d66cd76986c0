/**
 * The random papers recommend draws as negatives (RecommendSource.randomLabels), drawn the same
 * way by every store: the same seed over the same labels gives the same papers, so a request
 * answers alike from a folder and from PostgreSQL.
 */
import { seededRandom } from "../../map/knn.js";

/** How many labels are drawn per paper wanted: the draw gives up after that many misses. */
const TRIES_PER_PAPER = 10;

/**
 * The labels a draw tries, in order: uniform over [0, end), where `end` is one past the highest
 * label in use (a paper's or a passage's).
 */
export function randomCandidates(n: number, seed: number, end: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n * TRIES_PER_PAPER }, () => Math.floor(random() * end));
}

/** The first `limit` different candidates that are papers (not passages, not removed ones), in draw order. */
export function pickRandomLabels(candidates: readonly number[], isPaper: (label: number) => boolean, limit: number): number[] {
  const labels = new Set<number>();
  for (const label of candidates) {
    if (labels.size >= limit) break;
    if (isPaper(label)) labels.add(label);
  }
  return [...labels];
}
