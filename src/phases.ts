/**
 * Where an indexing run spends its time: named phases (reading, model load, tokenizing, inference,
 * pooling, the HNSW graph, the papers and postings, the topic map, checksums, the commit), each
 * added up over the run. A run opens a Phases with withPhases; code anywhere below it times a step
 * with `phase(name, work)`, which costs nothing when no run is being timed. Phases should not nest
 * (a nested one is counted in both).
 */
import { AsyncLocalStorage } from "node:async_hooks";

export class Phases {
  private readonly ms = new Map<string, number>();
  private readonly started = performance.now();

  add(name: string, ms: number): void {
    this.ms.set(name, (this.ms.get(name) ?? 0) + ms);
  }

  /**
   * Seconds by phase, in the order phases first ran, and `other`: the time since this Phases was
   * made that no phase took (the run's own bookkeeping, and whatever is not named yet).
   */
  seconds(): Record<string, number> {
    const round = (ms: number) => Math.round(ms) / 1000;
    let named = 0;
    const out: Record<string, number> = {};
    for (const [name, ms] of this.ms) {
      out[name] = round(ms);
      named += ms;
    }
    out.other = round(Math.max(0, performance.now() - this.started - named));
    return out;
  }
}

const running = new AsyncLocalStorage<Phases>();

/** Runs `work` with `phases` collecting what `phase` times inside it. */
export function withPhases<T>(phases: Phases, work: () => Promise<T>): Promise<T> {
  return running.run(phases, work);
}

/** The Phases of the run being timed, if any. */
export function currentPhases(): Phases | undefined {
  return running.getStore();
}

/** Runs `work` (synchronous, or a promise) and adds its time to the phase `name` of the run being timed. */
export function phase<T>(name: string, work: () => T): T {
  const phases = running.getStore();
  if (!phases) return work();
  const started = performance.now();
  const done = () => phases.add(name, performance.now() - started);
  let result: T;
  try {
    result = work();
  } catch (error) {
    done();
    throw error;
  }
  if (result instanceof Promise) return result.finally(done) as T;
  done();
  return result;
}
