/**
 * `kill -9` at random moments of `papers index` (a new index, an incremental update) and
 * `papers remove`, 24 times: after every kill the previous index still opens and answers, and a
 * rerun completes with exactly the papers of an uninterrupted run, resuming from the checkpoint.
 * Kill times are spread over each run's measured duration (stratified: one per slice, random
 * within it), so they land in start-up, embedding, checkpoint writes and commits.
 * PAPERS_KILL_SEED=<n> replays a sequence.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI, REPO, SEEDS, modelsDir, runCli, tempDir } from "./helpers.js";

const SAMPLE = join(REPO, "test", "fixtures", "formats", "arxiv-cs-sample.jsonl");
const KILLS_PER_SCENARIO = 8;
const SEED = Number(process.env.PAPERS_KILL_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the CLI; with `killAfter`, sends SIGKILL then. Resolves with how it ended and when. */
function run(
  args: string[],
  killAfter?: number,
): Promise<{ code: number | null; killed: boolean; ms: number; stdout: string; stderr: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, PAPERS_MODELS: modelsDir(), PAPERS_OFFLINE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const timer = killAfter === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfter);
  return new Promise((resolve) =>
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, killed: signal === "SIGKILL", ms: performance.now() - started, stdout, stderr });
    }),
  );
}

function info(index: string): { fingerprint: string; count: number } | string {
  const result = runCli(["--index", index, "info", "--json"]);
  return result.status === 0 ? JSON.parse(result.stdout) : result.stderr;
}

/** The live generation's manifest, read directly (a CLI `info` per check would cost 0.2 s). */
function manifest(index: string): { fingerprint: string; deletedVectors: number } {
  const generation = readFileSync(join(index, "CURRENT"), "utf8").trim();
  return JSON.parse(readFileSync(join(index, generation, "manifest.json"), "utf8"));
}

/** Vectors an interrupted run left in the checkpoint. */
function checkpointed(index: string): number {
  const path = join(index, "checkpoint.db");
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM vectors").get() as { n: number }).n;
  } catch {
    return 0; // killed before it created its tables
  } finally {
    db.close();
  }
}

interface Scenario {
  name: string;
  /** The index folder a run starts from (copied each time), or null for a new one. */
  base: string | null;
  args: string[];
  /** Fingerprint before and after an uninterrupted run. */
  before: string | null;
  after: string;
  ms: number;
}

describe("kill -9 at random moments", () => {
  const root = tempDir();
  const scenarios: Scenario[] = [];

  beforeAll(async () => {
    // Uninterrupted reference runs: their results, and how long each takes here and now.
    const more = join(root, "more.txt");
    const newArgs = ["index", SEEDS, "--checkpoint-every", "3", "--json"];
    const updateArgs = ["index", SEEDS, SAMPLE, more, "--checkpoint-every", "3", "--json"];
    const seedsIndex = join(root, "reference-new");
    const newRun = await run(["--index", seedsIndex, ...newArgs]);
    expect(JSON.parse(newRun.stdout)).toMatchObject({ added: 30, papers: 30 });
    // The update adds the arXiv sample and 8 new papers made by extending seed abstracts.
    const seeds = JSON.parse(runCli(["--index", seedsIndex, "list", "--json"]).stdout) as { abstract: string }[];
    writeFileSync(more, seeds.slice(0, 8).map((p) => `Abstract:${p.abstract} We revisit this in a longer version.`).join("\n") + "\n");
    const updated = join(root, "reference-update");
    cpSync(seedsIndex, updated, { recursive: true });
    const updateRun = await run(["--index", updated, ...updateArgs]);
    expect(JSON.parse(updateRun.stdout)).toMatchObject({ added: 12, unchanged: 30, papers: 42 });
    // Ten of 42: enough to compact the graph on removal.
    const ids = (JSON.parse(runCli(["--index", updated, "list", "--json"]).stdout) as { id: string }[]).map((p) => p.id).slice(5, 15);
    const removed = join(root, "reference-remove");
    cpSync(updated, removed, { recursive: true });
    const removeArgs = ["remove", ...ids, "--json"];
    const removeRun = await run(["--index", removed, ...removeArgs]);
    expect(JSON.parse(removeRun.stdout)).toEqual({ removed: 10, papers: 32 });
    expect(manifest(removed).deletedVectors).toBe(0); // compacted

    const fingerprint = (index: string) => (info(index) as { fingerprint: string }).fingerprint;
    scenarios.push(
      { name: "new index", base: null, args: newArgs, before: null, after: fingerprint(seedsIndex), ms: newRun.ms },
      { name: "update", base: seedsIndex, args: updateArgs, before: fingerprint(seedsIndex), after: fingerprint(updated), ms: updateRun.ms },
      { name: "remove", base: updated, args: removeArgs, before: fingerprint(updated), after: fingerprint(removed), ms: removeRun.ms },
    );
  });

  it("leaves the previous index answering after every kill, and every rerun completes", async () => {
    const rand = random(SEED);
    const landed = { start: 0, embedding: 0, staged: 0, committed: 0 };
    const seconds = { killed: 0, checks: 0, reruns: 0 };
    let kills = 0;
    let resumedRuns = 0;
    let round = 0;
    for (const scenario of scenarios) {
      // One kill time per slice of the run's duration, in random order.
      const times = [...Array(KILLS_PER_SCENARIO).keys()]
        .map((slice) => ({ at: (0.95 * scenario.ms * (slice + rand())) / KILLS_PER_SCENARIO, order: rand() }))
        .sort((a, b) => a.order - b.order)
        .map((t) => t.at);
      while (times.length > 0) {
        const index = join(root, `round-${round++}`);
        const context = () => `seed ${SEED}, ${scenario.name}, ${index}, ${kills} kills so far`;
        const fresh = () => {
          rmSync(index, { recursive: true, force: true });
          if (scenario.base) cpSync(scenario.base, index, { recursive: true });
          else mkdirSync(index);
        };
        const attempt = async (at?: number) => {
          const started = performance.now();
          const outcome = await run(["--index", index, ...scenario.args], at);
          seconds[at === undefined ? "reruns" : "killed"] += (performance.now() - started) / 1000;
          return outcome;
        };

        /** After a kill: the index is the previous one, or the new one if the commit got through, and answers. */
        const checkAfterKill = () => {
          const started = performance.now();
          kills++;
          const state = info(index);
          if (typeof state === "string") {
            expect(scenario.before, context()).toBeNull();
            expect(state, context()).toBe(`papers: no index at ${index}: run \`papers index [paths...]\` first\n`);
          } else {
            expect([scenario.before, scenario.after], context()).toContain(state.fingerprint);
            const search = runCli(["--index", index, "search", "decoding latency", "-k", "3", "--json"]);
            expect(search.stderr, context()).toBe("");
            expect(JSON.parse(search.stdout), context()).toHaveLength(3);
          }
          const committed = typeof state !== "string" && state.fingerprint === scenario.after;
          const saved = checkpointed(index);
          if (committed) landed.committed++;
          else if (readdirSync(index).some((e) => e.endsWith(".tmp"))) landed.staged++;
          else if (saved > 0) landed.embedding++;
          else landed.start++;
          seconds.checks += (performance.now() - started) / 1000;
          return { committed, saved };
        };

        /** A run that completed after kills: the papers of an uninterrupted run, and what was checkpointed reused. */
        const checkCompleted = (outcome: Awaited<ReturnType<typeof run>>, before: { committed: boolean; saved: number }) => {
          if (scenario.name === "remove" && before.committed) {
            // Already removed: the rerun says so, and changes nothing.
            expect(outcome, context()).toMatchObject({ code: 1, stdout: "" });
            expect(outcome.stderr, context()).toMatch(/^papers: no paper with id "[^"]+" in the index: nothing was removed\n$/);
          } else {
            expect(outcome.stderr, context()).toBe("");
            expect(outcome.code, context()).toBe(0);
          }
          if (scenario.name !== "remove" && !before.committed) {
            expect(JSON.parse(outcome.stdout).resumed, context()).toBe(before.saved);
            if (before.saved > 0) resumedRuns++;
          }
          expect(manifest(index).fingerprint, context()).toBe(scenario.after);
          // Nothing left behind but the live generation (and, after a kill between commit and
          // clean-up, the checkpoint that the next commit removes).
          const kept = before.committed ? /^(CURRENT|writer\.lock|\.papers-index|checkpoint\.db(-wal|-shm)?)$/ : /^(CURRENT|writer\.lock|\.papers-index)$/;
          expect(readdirSync(index).filter((e) => !kept.test(e)), context()).toEqual([expect.stringMatching(/^gen-[^.]+$/)]);
        };

        // First kill; a run that beats it is started again from scratch and killed earlier.
        fresh();
        let at = times.shift()!;
        let outcome = await attempt(at);
        for (let tries = 0; !outcome.killed && tries < 5; tries++) {
          fresh();
          outcome = await attempt((at *= 0.6));
        }
        expect(outcome.killed, context()).toBe(true);
        let state = checkAfterKill();

        // Kill the rerun too, when a kill time is left and lands before it ends: it resumes again.
        if (times.length > 0) {
          outcome = await attempt(times[0]);
          if (outcome.killed) {
            times.shift();
            state = checkAfterKill();
          } else {
            checkCompleted(outcome, state);
            continue;
          }
        }
        checkCompleted(await attempt(), state);
      }
    }
    const rounded = JSON.stringify(seconds, (_, v) => (typeof v === "number" ? Math.round(v) : v));
    console.log(`kill -9 (seed ${SEED}): ${kills} kills; landed ${JSON.stringify(landed)}; ${resumedRuns} runs resumed from a checkpoint; seconds ${rounded}`);
    expect(kills).toBe(3 * KILLS_PER_SCENARIO);
    expect(resumedRuns).toBeGreaterThan(0);
  }, 300_000);
});
