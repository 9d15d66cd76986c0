#!/usr/bin/env node
// How fast `ask` answers on the 5,183-paper SciFact index (issue 26: CLI p50 under 2 s, server
// p50 under 300 ms):
//   library: PaperIndex.ask in this process, model loaded and warmed, each question new (its
//            sentences embedded now), and the same questions again (sentences cached);
//   cli:     `node bin/papers.js --index DIR ask QUESTION --format json` end to end, process
//            start and model load included (needs the `ask` command: skipped without it).
//
//   npm run build && node bench/ask-speed.mjs [--index DIR] [--data DIR] [--n 50] [--cli 10]
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readBeir } from "../dist/eval/beir.js";
import { SCIFACT_DATA, scifactIndex } from "./scifact-index.mjs";
import { openIndex } from "../dist/papers.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: SCIFACT_DATA },
    index: { type: "string" },
    n: { type: "string", default: "50" },
    cli: { type: "string", default: "10" },
  },
});
const indexDir = scifactIndex(values.index, values.data);
const questions = [...readBeir(values.data, "test").queries.values()];
const percentile = (times, p) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor((p / 100) * times.length))];
const summary = (times) => `p50 ${percentile(times, 50).toFixed(0)} ms, p90 ${percentile(times, 90).toFixed(0)} ms (n=${times.length})`;

const index = await openIndex({ ...resolveOptions({}), indexDir });
for (const q of questions.slice(-3)) await index.ask({ question: q }); // warm: model loaded, code paths compiled
const asked = questions.slice(0, Number(values.n));
const fresh = [];
// CPU time (all threads of this process) as well as wall time: on a shared machine the wall time
// measures the neighbours too; CPU time over the cores used bounds what the ask costs alone.
const cpu = [];
for (const question of asked) {
  const start = performance.now();
  const used = process.cpuUsage();
  await index.ask({ question });
  fresh.push(performance.now() - start);
  const { user, system } = process.cpuUsage(used);
  cpu.push((user + system) / 1000);
}
const again = [];
for (const question of asked) {
  const start = performance.now();
  await index.ask({ question });
  again.push(performance.now() - start);
}
await index.close();
console.log(`library ask, k 5, new questions:        ${summary(fresh)}`);
console.log(`  CPU time of those asks (all threads):   ${summary(cpu)}`);
console.log(`library ask, k 5, questions asked before: ${summary(again)}`);

const cliRuns = Number(values.cli);
const bin = new URL("../bin/papers.js", import.meta.url).pathname;
const probe = spawnSync(process.execPath, [bin, "ask", "--help"], { encoding: "utf8" });
if (cliRuns > 0 && probe.status === 0) {
  const times = [];
  for (const question of questions.slice(100, 100 + cliRuns)) {
    const start = performance.now();
    const run = spawnSync(process.execPath, [bin, "--index", indexDir, "ask", question, "--format", "json"], { encoding: "utf8", env: { ...process.env, PAPERS_OFFLINE: "1" } });
    times.push(performance.now() - start);
    if (run.status !== 0) throw new Error(`papers ask failed: ${run.stderr}`);
  }
  console.log(`cli papers ask, end to end:               ${summary(times)}`);
} else if (cliRuns > 0) console.log("cli: this build has no `papers ask` command (it comes with the front ends): skipped");
