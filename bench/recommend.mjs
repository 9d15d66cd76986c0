#!/usr/bin/env node
// Recommend on the arXiv index: latency with 5 likes and 5 unlikes, and whether it does what it
// says. Each trial draws 5 cs.CV papers to like and 5 cs.CL papers to unlike (primary category =
// first category) and reports, over the top 20:
//   - the share of cs.CV papers for recommend (likes + unlikes: the classifier), recommend with
//     the likes only (the centroid), and related from the first like alone;
//   - how many of the classifier's top 20 over every paper the candidate pool keeps (--exhaustive
//     trials score all papers, which takes seconds).
//
//   npm run build && node bench/recommend.mjs --index /work/arxiv/index [--trials 10] [--exhaustive 3]
import { writeFileSync, mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { openIndex } from "../dist/papers.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: {
    index: { type: "string", default: "/work/arxiv/index" },
    trials: { type: "string", default: "10" },
    exhaustive: { type: "string", default: "3" },
    like: { type: "string", default: "cs.CV" },
    unlike: { type: "string", default: "cs.CL" },
  },
});
const index = await openIndex({ ...resolveOptions({}), indexDir: values.index });
const papers = await index.list();
const primary = new Map(papers.map((p) => [p.id, p.categories[0]]));
const pools = { like: papers.filter((p) => p.categories[0] === values.like).map((p) => p.id), unlike: papers.filter((p) => p.categories[0] === values.unlike).map((p) => p.id) };
console.error(`${papers.length} papers; ${pools.like.length} ${values.like}, ${pools.unlike.length} ${values.unlike} (primary)`);

let state = 4242;
const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const draw = (list, n) => {
  const picked = new Set();
  while (picked.size < n) picked.add(list[Math.floor(random() * list.length)]);
  return [...picked];
};
const share = (hits) => hits.filter((h) => primary.get(h.id) === values.like).length / hits.length;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Warm-up: load the model and SQLite pages once, as a running server would have.
await index.recommend({ like: draw(pools.like, 2), unlike: draw(pools.unlike, 2), k: 20 });

const rows = [];
for (let t = 0; t < Number(values.trials); t++) {
  const like = draw(pools.like, 5);
  const unlike = draw(pools.unlike, 5);
  // Wall time, and CPU time: on a machine shared with other jobs the wall time is mostly waiting
  // for a core; the CPU time is what the request costs (no model runs: every seed is in the index).
  const cpu = process.cpuUsage();
  let started = performance.now();
  const classifier = await index.recommend({ like, unlike, k: 20 });
  const classifierMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const classifierCpuMs = (used.user + used.system) / 1000;
  started = performance.now();
  const centroid = await index.recommend({ like, k: 20 });
  const centroidMs = performance.now() - started;
  const related = await index.related(like[0], 20);
  const row = {
    like, unlike,
    classifier_ms: classifierMs, classifier_cpu_ms: classifierCpuMs, centroid_ms: centroidMs, candidates: classifier.candidates,
    share_classifier: share(classifier.hits), share_centroid: share(centroid.hits), share_related_first_like: share(related),
    why: classifier.why.words.slice(0, 5).map((w) => w.word), against: classifier.why.against.slice(0, 5).map((w) => w.word),
  };
  if (t < Number(values.exhaustive)) {
    started = performance.now();
    const all = await index.recommend({ like, unlike, k: 20, exhaustive: true });
    row.exhaustive_ms = performance.now() - started;
    const pooled = new Set(classifier.hits.map((h) => h.id));
    row.pool_keeps_of_exhaustive_top20 = all.hits.filter((h) => pooled.has(h.id)).length / 20;
    row.share_exhaustive = share(all.hits);
  }
  rows.push(row);
  console.error(JSON.stringify({ ...row, like: undefined, unlike: undefined }));
}
const mean = (key) => rows.filter((r) => r[key] !== undefined).reduce((s, r, _i, a) => s + r[key] / a.length, 0);
const summary = {
  papers: papers.length,
  trials: rows.length,
  classifier_ms_p50: median(rows.map((r) => r.classifier_ms)),
  classifier_ms_max: Math.max(...rows.map((r) => r.classifier_ms)),
  classifier_cpu_ms_p50: median(rows.map((r) => r.classifier_cpu_ms)),
  classifier_cpu_ms_max: Math.max(...rows.map((r) => r.classifier_cpu_ms)),
  load_average_1min: (await import("node:os")).loadavg()[0],
  centroid_ms_p50: median(rows.map((r) => r.centroid_ms)),
  candidates_mean: mean("candidates"),
  [`share_${values.like}_classifier`]: mean("share_classifier"),
  [`share_${values.like}_centroid`]: mean("share_centroid"),
  [`share_${values.like}_related_first_like`]: mean("share_related_first_like"),
  [`share_${values.like}_exhaustive`]: mean("share_exhaustive"),
  pool_keeps_of_exhaustive_top20: mean("pool_keeps_of_exhaustive_top20"),
  exhaustive_ms_p50: median(rows.filter((r) => r.exhaustive_ms).map((r) => r.exhaustive_ms)),
};
for (const [key, value] of Object.entries(summary)) if (value === undefined || (key.includes("exhaustive") && !rows.some((r) => r.exhaustive_ms))) delete summary[key];
console.log("| metric | value |\n| --- | ---: |");
for (const [key, value] of Object.entries(summary)) console.log(`| ${key} | ${typeof value === "number" && !Number.isInteger(value) ? value.toFixed(3) : value} |`);
mkdirSync(new URL("./results", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/recommend.json", import.meta.url), JSON.stringify({ summary, rows }, null, 2));
await index.close();
