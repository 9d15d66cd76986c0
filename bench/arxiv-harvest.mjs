#!/usr/bin/env node
// Harvest + parse throughput of the arXiv OAI-PMH client, and its peak memory, over records
// streamed from the local OAI-PMH server (test/arxiv/oai-server.mjs, run as a child process so
// its memory is not counted). Parse only: indexing is wired in later (issue 23).
//
//   npm run build && node bench/arxiv-harvest.mjs [--records 50000] [--page 2000]
//   node --expose-gc bench/arxiv-harvest.mjs --retained    also: heap left after a full GC, every 5 pages
//                                                          (shows memory does not grow with the records;
//                                                          the GCs slow the run, so time it without)
//
// The server serves the first N records of ../shared/data/arxiv-cs-listings in arXiv's format,
// 2,000 a page by default (arXiv's own RECORDS_LIMIT in github.com/arXiv/oaipmh oai_config.py).
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { harvest } from "../dist/arxiv/index.js";

const { values } = parseArgs({ options: { records: { type: "string", default: "50000" }, page: { type: "string", default: "2000" }, retained: { type: "boolean", default: false } } });
const limit = Number(values.records);
const server = spawn(process.execPath, [fileURLToPath(new URL("../test/arxiv/oai-server.mjs", import.meta.url)), "--limit", String(limit), "--page", values.page], {
  stdio: ["ignore", "pipe", "inherit"],
});
const [endpoint, served] = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (chunk) => {
    out += chunk;
    if (out.includes("\n")) resolve(out.trim().split(" "));
  });
  server.on("exit", (code) => reject(new Error(`the OAI-PMH server exited (${code}) before it was ready`)));
});

const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const cpuBefore = process.cpuUsage();
const started = performance.now();
let records = 0;
let abstractChars = 0;
let pages = 0;
const retained = [];
if (values.retained && !globalThis.gc) throw new Error("--retained needs node --expose-gc");
for await (const page of harvest({ endpoint, delayMs: 0 })) {
  pages++;
  records += page.records.length + page.deleted.length;
  for (const r of page.records) abstractChars += r.abstract.length;
  if (values.retained && pages % 5 === 0) {
    globalThis.gc();
    retained.push(Math.round(process.memoryUsage().heapUsed / 2 ** 20));
  }
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
server.kill("SIGTERM");

const result = {
  records,
  served: Number(served),
  pages,
  pageSize: Number(values.page),
  seconds: Math.round(seconds * 100) / 100,
  recordsPerSecond: Math.round(records / seconds),
  clientCpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
  clientRecordsPerCpuSecond: Math.round(records / ((cpu.user + cpu.system) / 1e6)),
  peakRssMiB: Math.round(peakRss / 2 ** 20),
  rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
  meanAbstractChars: Math.round(abstractChars / records),
  ...(values.retained ? { retainedHeapMiBEvery5Pages: retained } : {}),
  cpu: cpus()[0]?.model ?? "unknown",
  node: process.version,
};
console.log(JSON.stringify(result, null, 2));
if (records !== limit) {
  console.error(`expected ${limit} records, harvested ${records}`);
  process.exit(1);
}
