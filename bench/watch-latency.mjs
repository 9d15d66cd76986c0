#!/usr/bin/env node
// How long a file takes from landing in a watched folder to showing in search (issue 24: "within
// a few seconds, in both stores"): `papers serve --port 0 --watch DIR` with the shipped model,
// then, one at a time, a new JSON Lines file with one paper (a SciFact abstract with a word of its
// own) is written, and GET /api/search?mode=lexical for that word is polled every 25 ms until the
// paper is in the answer. Each trial waits for the one before. The time includes the 1 s quiet
// window watch waits for after the last event.
//
//   npm run build && node bench/watch-latency.mjs [--trials 10] [--store postgresql://…]
//
// Stores: a temporary folder always; PostgreSQL too when --store or PAPERS_TEST_PG names one (a
// fresh schema, dropped after). Prints min / median / max per store and the load average.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";

const ROOT = new URL("..", import.meta.url).pathname;
const CLI = join(ROOT, "bin", "papers.js");
const { values } = parseArgs({ options: { trials: { type: "string", default: "10" }, store: { type: "string" } } });
const trials = Number(values.trials);
const pgUrl = values.store ?? process.env.PAPERS_TEST_PG;
const abstracts = readFileSync("/work/shared/data/scifact/corpus.jsonl", "utf8").split("\n").filter(Boolean).slice(0, trials + 1).map((l) => JSON.parse(l).text);

async function until(what, ms) {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function measure(name, storeArgs) {
  const work = mkdtempSync(join(tmpdir(), "watch-latency-"));
  const folder = join(work, "Papers");
  mkdirSync(folder);
  writeFileSync(join(folder, "seed.jsonl"), JSON.stringify({ id: "seed", abstract: abstracts[0] }) + "\n");
  const args = storeArgs ?? ["--index", join(work, "index")];
  const server = spawn(process.execPath, [CLI, ...args, "serve", "--port", "0", "--watch", folder], { env: { ...process.env, PAPERS_OFFLINE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  let errors = "";
  server.stdout.on("data", (c) => (log += c));
  server.stderr.on("data", (c) => (errors += c));
  const times = [];
  try {
    await until(() => /at (http:\/\/\S+)/.test(log), 120_000);
    const url = /at (http:\/\/\S+)/.exec(log)[1];
    for (let i = 1; i <= trials; i++) {
      const word = `zqwatchmark${i}x`;
      const landed = performance.now();
      writeFileSync(join(folder, `paper-${i}.jsonl`), JSON.stringify({ id: `p${i}`, abstract: `${abstracts[i]} ${word}` }) + "\n");
      await until(async () => (await (await fetch(`${url}api/search?mode=lexical&q=${word}`)).text()).includes(`"p${i}"`), 60_000);
      times.push((performance.now() - landed) / 1000);
    }
  } catch (error) {
    console.error(errors);
    throw error;
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("close", r));
    rmSync(work, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  const f = (x) => x.toFixed(2);
  console.log(`${name}: ${trials} files, landing -> in /api/search: min ${f(sorted[0])} s, median ${f(sorted[Math.floor(sorted.length / 2)])} s, max ${f(sorted.at(-1))} s`);
}

console.log(`${cpus()[0].model}, ${cpus().length} CPUs; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
await measure("folder store", null);
if (pgUrl) {
  const schema = `watch_latency_${process.pid}`;
  try {
    await measure("PostgreSQL store", ["--store", `${pgUrl}${pgUrl.includes("?") ? "&" : "?"}schema=${schema}`]);
  } finally {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}
console.log(`load average after: ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
