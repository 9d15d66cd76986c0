#!/usr/bin/env node
// The topic map's cost and quality against a reference map (today's, from an older build):
// compute time per step (wall; steps named "… in worker" ran in a worker thread beside the others),
// CPU time of all threads, peak RSS, topic agreement (ARI, NMI) and the layout's trustworthiness.
//
//   npm run build
//   # once, with the older build's dist (a copy of it beside a copy of this script):
//   flock /work/cpu.lock node OLD/bench/map-quality.mjs --index /work/idx/arxiv --save /work/idx/map-old.json
//   # then with this build, against it:
//   flock /work/cpu.lock node bench/map-quality.mjs --index /work/idx/arxiv --save /work/idx/map-new.json \
//       --reference /work/idx/map-old.json [--sample 2000] [--k 15]
//
// The map is computed in memory from the index (which must have none stored: build it with
// --no-map), as `papers map` would on first use; one process per map, so peak RSS (maxRSS) is its
// own. --reference FILE (a --save output) adds: ARI and NMI of this map's topics against the
// reference's, per paper, and trustworthiness T(k) of both layouts over the same --sample random
// papers (seeded): neighbours by cosine over the stored vectors against Euclidean on the map.
// --compare A.json,B.json compares two saved maps without computing (no time, no RSS).
// Prints JSON; writes bench/results/map-quality.json too.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const ROOT = new URL("..", import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    index: { type: "string", default: "/work/idx/arxiv" },
    save: { type: "string" },
    reference: { type: "string" },
    compare: { type: "string" },
    sample: { type: "string", default: "2000" },
    k: { type: "string", default: "15" },
  },
});
const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);
const mib = (kib) => Math.round(kib / 1024);
const result = { index: values.index };

let map;
if (values.compare) {
  map = JSON.parse(readFileSync(values.compare.split(",")[1], "utf8"));
  values.reference = values.compare.split(",")[0];
} else {
  const { openIndex } = await dist("papers.js");
  const index = await openIndex({ indexDir: values.index, offline: true });
  result.papers = index.info().count;
  if (await index.hasStoredTopicMap()) throw new Error(`${values.index} has a stored topic map: build it with --no-map`);
  result.rssBeforeMiB = mib(process.resourceUsage().maxRSS);
  const steps = {};
  const started = performance.now();
  const cpu = process.cpuUsage();
  const computed = await index.topicMap((step, ms) => (steps[step] = Math.round(ms)));
  result.computeSeconds = Math.round(performance.now() - started) / 1000;
  // Every thread's CPU time (the process's): on a shared machine, wall time alone misleads.
  const used = process.cpuUsage(cpu);
  result.cpuSeconds = Math.round((used.user + used.system) / 1000) / 1000;
  result.steps = steps;
  result.peakRssMiB = mib(process.resourceUsage().maxRSS);
  result.topics = computed.topics.length;
  result.top5 = computed.topics.slice(0, 5).map((t) => `${t.label} (${t.size})`);
  map = { labels: computed.labels, x: computed.x, y: computed.y, topic: computed.topic, computeSeconds: result.computeSeconds, cpuSeconds: result.cpuSeconds, steps, peakRssMiB: result.peakRssMiB };
  await index.close();
  if (values.save) writeFileSync(values.save, JSON.stringify(map));
}

if (values.reference) {
  const { adjustedRandIndex, normalisedMutualInformation, trustworthiness } = await dist("map/quality.js");
  const { seededRandom } = await dist("map/knn.js");
  const { currentGeneration } = await dist("store/folder/generations.js");
  const { HNSW_FILE, readManifest } = await dist("store/folder/manifest-file.js");
  const { VectorIndex } = await dist("store/shared/vector-index.js");
  const reference = JSON.parse(readFileSync(values.reference, "utf8"));
  // Per label, as both maps list the same papers (in label order, but not assumed).
  const at = new Map(map.labels.map((label, i) => [label, i]));
  const pairs = reference.labels.flatMap((label, r) => (at.has(label) ? [[r, at.get(label)]] : []));
  if (pairs.length !== reference.labels.length || pairs.length !== map.labels.length) throw new Error("the two maps hold different papers");
  result.reference = { file: values.reference, computeSeconds: reference.computeSeconds, steps: reference.steps, peakRssMiB: reference.peakRssMiB };
  result.topicAgreement = {
    ari: round(adjustedRandIndex(pairs.map(([r]) => reference.topic[r]), pairs.map(([, m]) => map.topic[m]))),
    nmi: round(normalisedMutualInformation(pairs.map(([r]) => reference.topic[r]), pairs.map(([, m]) => map.topic[m]))),
    referenceTopics: new Set(reference.topic).size,
    topics: new Set(map.topic).size,
  };
  // 0 when the two maps place every paper at the same spot (the same layout, not just as good).
  result.largestPositionDifference = pairs.reduce((most, [r, m]) => Math.max(most, Math.abs(reference.x[r] - map.x[m]), Math.abs(reference.y[r] - map.y[m])), 0);
  const generation = currentGeneration(values.index);
  const manifest = readManifest(generation);
  const vectors = VectorIndex.load(join(generation, HNSW_FILE), manifest.model.dimension, manifest.hnsw.efSearch);
  const random = seededRandom(7);
  const chosen = new Set();
  const size = Math.min(Number(values.sample), pairs.length);
  while (chosen.size < size) chosen.add(Math.floor(random() * pairs.length));
  const sample = [...chosen].sort((a, b) => a - b).map((p) => pairs[p]);
  const sampleVectors = sample.map(([r]) => vectors.vector(reference.labels[r]));
  const layoutOf = (m, index) => Float64Array.from(sample.flatMap((pair) => [m.x[pair[index]], m.y[pair[index]]]));
  const k = Number(values.k);
  result.trustworthiness = {
    k,
    sample: size,
    reference: round(trustworthiness(sampleVectors, layoutOf(reference, 0), k)),
    this: round(trustworthiness(sampleVectors, layoutOf(map, 1), k)),
  };
}
result.finalPeakRssMiB = mib(process.resourceUsage().maxRSS);
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "map-quality.json"), JSON.stringify(result, null, 2) + "\n");

function round(value) {
  return Math.round(value * 1e4) / 1e4;
}
