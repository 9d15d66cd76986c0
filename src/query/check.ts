/** The checks every query operation makes on what it is asked, with messages a person can act on. */
import { PapersError } from "../errors.js";
import { LIMITS } from "../limits.js";

/** The question without surrounding space; an empty one is refused. */
export function checkQuestion(question: string): string {
  const text = question.trim();
  if (!text) throw new PapersError("EMPTY_QUERY", "the question is empty: say what you are looking for");
  return text;
}

/** How many results to return (k). */
export function checkK(k: number): void {
  checkCount("k", k);
}

/** A count of results (k, a page's limit): a whole number from 1 to LIMITS.maxK. */
export function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > LIMITS.maxK) {
    throw new PapersError("BAD_OPTION", `${name} must be a whole number from 1 to ${LIMITS.maxK}, not ${value}`);
  }
}

/** How many papers `ask` draws evidence from: 1 to LIMITS.maxAskK. */
export function checkAskK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > LIMITS.maxAskK) {
    throw new PapersError("BAD_OPTION", `k must be a whole number from 1 to ${LIMITS.maxAskK} for ask, not ${k}`);
  }
}

/** `ask`'s token budget: a whole number from LIMITS.minAskBudget to LIMITS.maxAskBudget. */
export function checkAskBudget(budget: number): void {
  if (!Number.isInteger(budget) || budget < LIMITS.minAskBudget || budget > LIMITS.maxAskBudget) {
    throw new PapersError("BAD_OPTION", `budget must be a whole number of tokens from ${LIMITS.minAskBudget} to ${LIMITS.maxAskBudget}, not ${budget}`);
  }
}
