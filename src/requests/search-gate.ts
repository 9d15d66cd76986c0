/**
 * Answers being computed. A question asked again while its answer is being computed waits for
 * that computation instead of starting another (a burst of the same question costs one search).
 * And there is a limit: with that many different questions in hand, a new one is refused at
 * once (503 with Retry-After) rather than queued behind them for seconds, so that under a flood
 * the answers that are given stay fast and a client learns to come back.
 */
import { PapersError } from "../papers.js";

export const DEFAULT_MAX_PENDING = 64;

export class SearchGate {
  private readonly pending = new Map<string, Promise<string>>();

  /** `limit`: questions computed at once at most; Infinity for no limit. */
  constructor(private readonly limit = DEFAULT_MAX_PENDING) {}

  /** The answer for `key`: the one being computed, or a new computation if there is room. */
  run(key: string, compute: () => Promise<string>): Promise<string> {
    const shared = this.pending.get(key);
    if (shared) return shared;
    if (this.pending.size >= this.limit) {
      return Promise.reject(new PapersError("OVERLOADED", `the server is answering ${this.limit} other questions: try again in a moment`));
    }
    // A compute that throws at once still goes through the promise (and the cleanup).
    const answer = new Promise<string>((resolve) => resolve(compute())).finally(() => this.pending.delete(key));
    this.pending.set(key, answer);
    return answer;
  }

  /** Questions being computed now. */
  get size(): number {
    return this.pending.size;
  }
}
