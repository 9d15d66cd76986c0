/** When watch runs its batches (src/watch/schedule.ts), on fake timers: debounce, one at a time, retries. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BatchSchedule } from "../../src/watch/schedule.js";

const SETTINGS = { quietMs: 1000, maxDelayMs: 30_000, retryMs: 2000, maxRetryMs: 8000 };

describe("BatchSchedule", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("starts one batch a quiet window after the last of a burst of events", async () => {
    const batches: string[][] = [];
    const schedule = new BatchSchedule<string>(SETTINGS, async (kinds) => void batches.push([...kinds]));
    for (let i = 0; i < 500; i++) {
      schedule.request("folders");
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(batches).toEqual([]);
    // The last event came 10 ms ago: the window ends 990 ms from now.
    await vi.advanceTimersByTimeAsync(989);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([["folders"]]);
  });

  it("never runs two batches at once: events during a batch make one more after it", async () => {
    let finish = () => {};
    const started: number[] = [];
    const schedule = new BatchSchedule<string>(SETTINGS, () => {
      started.push(Date.now());
      return new Promise<void>((resolve) => (finish = resolve));
    });
    schedule.requestNow("folders");
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toHaveLength(1);
    schedule.request("folders");
    schedule.request("zotero");
    await vi.advanceTimersByTimeAsync(5000);
    expect(started).toHaveLength(1);
    finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(2);
    finish();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toHaveLength(2);
  });

  it("does not let a file that never stops changing hold a batch back past maxDelayMs", async () => {
    const batches: number[] = [];
    const schedule = new BatchSchedule<string>(SETTINGS, async () => void batches.push(Date.now()));
    const start = Date.now();
    for (let t = 0; t < 40_000 && batches.length === 0; t += 100) {
      schedule.request("folders");
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(batches).toHaveLength(1);
    expect(batches[0]! - start).toBeLessThanOrEqual(SETTINGS.maxDelayMs + 100);
  });

  it("tries a failed batch again after a pause that doubles, up to its limit, and resets after a success", async () => {
    const tries: number[] = [];
    let failing = true;
    const schedule = new BatchSchedule<string>(SETTINGS, async () => {
      tries.push(Date.now());
      if (failing) throw new Error("disk full");
    });
    const start = Date.now();
    schedule.requestNow("folders");
    await vi.advanceTimersByTimeAsync(2000 + 4000 + 8000 + 8000);
    expect(tries.map((t) => t - start)).toEqual([0, 2000, 6000, 14_000, 22_000]);
    failing = false;
    await vi.advanceTimersByTimeAsync(8000);
    expect(tries).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(tries).toHaveLength(6); // nothing due after the success
  });

  it("runs nothing after close, and close waits for the batch running", async () => {
    let finish = () => {};
    let ended = false;
    const schedule = new BatchSchedule<string>(SETTINGS, () => new Promise<void>((resolve) => (finish = () => ((ended = true), resolve()))));
    schedule.requestNow("folders");
    await vi.advanceTimersByTimeAsync(0);
    const closed = schedule.close();
    schedule.request("folders");
    let done = false;
    void closed.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(5000);
    expect(done).toBe(false);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(done && ended).toBe(true);
  });
});
