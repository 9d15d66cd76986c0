#!/usr/bin/env node
// The topic map at scale: what computing it costs, how big /api/map is, and how long the map page
// takes to show it in Chromium.
//
//   npm run build && flock /work/cpu.lock /usr/bin/time -v node bench/map.mjs --index /work/idx/arxiv \
//       [--store postgres://…] [--runs 5] [--screenshot docs/map-arxiv.png --query "..."] [--out map.png]
//
// 1. Opens the index and asks for its topic map: read from the generation when stored, else
//    computed now (kNN graph from HNSW, Louvain, UMAP, c-TF-IDF), with the time of each step and
//    the process's peak resident memory (maxRSS) before and after. A read-only index (never
//    written to here) is computed in memory, as the server would on first use.
// 2. Serves it (the real app, loopback) and fetches /api/map and /api/topics: bytes as sent, and
//    gzip'd (the server does not compress; this is what a proxy that does would send).
// 3. Loads /map in Chromium --runs times (a new page each time) and reads when the page had the
//    map drawn (the canvas's data-ready-ms, from navigation start): the first load (the server's
//    answer cache cold) and the median of the others.
// 4. With --screenshot FILE: a screenshot of the page after searching --query (its hits lit).
// 5. With --out FILE (.svg or .png): the picture `papers map --out` draws.
//
// Prints JSON; writes bench/results/map.json too.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { imageFormatOf, openIndex } from "../dist/papers.js";
import { buildServer } from "../dist/server/app.js";

const ROOT = new URL("..", import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    index: { type: "string", default: "/work/idx/arxiv" },
    // A PostgreSQL library (postgres://…) instead of the folder --index names.
    store: { type: "string" },
    runs: { type: "string", default: "5" },
    screenshot: { type: "string" },
    query: { type: "string", default: "reinforcement learning for robot control" },
    out: { type: "string" },
    chromium: { type: "string", default: process.env.PAPERS_CHROMIUM || "/usr/bin/chromium" },
  },
});

const mib = (kib) => Math.round(kib / 1024);
const result = { index: values.store ? values.store.replace(/:[^:@/]*@/, ":***@") : values.index };
const index = await openIndex({ indexDir: values.index, store: values.store, offline: true });
result.papers = index.info().count;
result.storedMap = await index.hasStoredTopicMap();
result.rssBeforeMiB = mib(process.resourceUsage().maxRSS);
const steps = {};
let started = performance.now();
const map = await index.topicMap((step, ms) => (steps[step] = Math.round(ms)));
result.computeSeconds = Math.round(performance.now() - started) / 1000;
result.steps = steps;
result.peakRssMiB = mib(process.resourceUsage().maxRSS);
result.topics = map.topics.length;
started = performance.now();
const topics = await index.topics();
result.top10 = topics.slice(0, 10).map((t) => `${t.label} (${t.size})`);
result.topicsSeconds = Math.round(performance.now() - started) / 1000;

const app = buildServer(index);
const base = (await app.listen({ port: 0, host: "127.0.0.1" })).replace(/\/$/, "");
for (const path of ["/api/map", "/api/topics"]) {
  started = performance.now();
  const body = Buffer.from(await (await fetch(base + path)).arrayBuffer());
  result[path] = { bytes: body.length, gzipBytes: gzipSync(body).length, firstMs: Math.round(performance.now() - started) };
}

const profile = mkdtempSync(join(tmpdir(), "papers-map-bench-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: values.chromium,
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1400, height: 900 },
});
try {
  const loads = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const page = await context.newPage();
    await page.goto(`${base}/map`);
    await page.locator("#map[data-ready=true]").waitFor({ timeout: 300_000 });
    loads.push(Number(await page.locator("#map").getAttribute("data-ready-ms")));
    await page.close();
  }
  const rest = loads.slice(1).sort((a, b) => a - b);
  result.pageLoadMs = { runs: loads, first: loads[0], medianOfRest: rest[Math.floor(rest.length / 2)] ?? null };
  if (values.screenshot) {
    const page = await context.newPage();
    // --query "" shows the map without a search.
    await page.goto(values.query ? `${base}/map?${new URLSearchParams({ q: values.query })}` : `${base}/map`);
    await page.locator(values.query ? "#hits > li" : "#map[data-ready=true]").first().waitFor({ timeout: 120_000 });
    await page.waitForTimeout(300);
    const file = resolve(values.screenshot);
    mkdirSync(dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    result.screenshot = { file: values.screenshot, query: values.query, status: await page.locator("#status").textContent() };
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await app.close();
}
if (values.out) {
  started = performance.now();
  writeFileSync(values.out, await index.mapImage(imageFormatOf(values.out)));
  result.picture = { file: values.out, seconds: Math.round(performance.now() - started) / 1000 };
}
await index.close();
result.finalPeakRssMiB = mib(process.resourceUsage().maxRSS);
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "map.json"), JSON.stringify(result, null, 2) + "\n");
