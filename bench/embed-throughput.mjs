#!/usr/bin/env node
// How fast does papers embed documents, next to sentence-transformers, the peer a Python user
// would pick? One run, the same texts, the same thread count.
//
//   npm run build && node bench/embed-throughput.mjs [--docs 2000] [--model Xenova/all-MiniLM-L6-v2]
//       [--models models] [--fp32-models ~/.cache/papers/models] [--venv ~/.cache/papers/venv]
//
// Texts: title + abstract of the last --docs records of shared/data/arxiv-cs-listings (read in
// place), whitespace collapsed: the texts scripts/provision-models.py's `fidelity` uses.
// Rows:
//   papers q8   - the embedder in dist/ on the q8 file in --models (default: the one shipped in models/);
//   papers fp32 - the same embedder on onnx/model.onnx in --fp32-models, when provisioned there;
//   sentence-transformers fp32 - bench/st-embed.py in the provisioning venv, torch threads = cores.
// Each is warmed up on one batch first. papers uses one onnxruntime session with as many intra-op
// threads as cores (2 here), as `papers index` does. Writes bench/results/embed-throughput.json.
//
// --index: instead of the papers rows, `papers index` over the same records (written as JSON
// lines, default settings, topic map included) into a new folder, timed end to end as a user
// waits for it (the whole child process, model load included), with its per-phase seconds; then
// the sentence-transformers row, so the ratio is against the peer measured in the same run.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { loadTransformersEmbedder } from "../dist/embed/transformers-embedder.js";
import { knownModel } from "../dist/embed/models.js";

const { values } = parseArgs({
  options: {
    // Beside a checkout in /work/main; PAPERS_ARXIV for a checkout elsewhere (a worktree).
    data: { type: "string", default: process.env.PAPERS_ARXIV || new URL("../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname },
    docs: { type: "string", default: "2000" },
    model: { type: "string", default: "Xenova/all-MiniLM-L6-v2" },
    models: { type: "string", default: new URL("../models", import.meta.url).pathname },
    "fp32-models": { type: "string", default: process.env.PAPERS_MODELS || join(homedir(), ".cache/papers/models") },
    venv: { type: "string", default: process.env.PAPERS_VENV || join(homedir(), ".cache/papers/venv") },
    index: { type: "boolean", default: false },
  },
});
const threads = availableParallelism();
const lines = gunzipSync(readFileSync(values.data)).toString("utf8").trimEnd().split("\n");
const records = lines.slice(-Number(values.docs));
const texts = records
  .map((line) => JSON.parse(line))
  .map((r) => `${r.title} ${r.summary}`.split(/\s+/).filter(Boolean).join(" "));
const spec = knownModel(values.model);

async function papersRow(dtype, modelsDir) {
  const file = join(modelsDir, spec.id, "onnx", dtype === "q8" ? "model_quantized.onnx" : "model.onnx");
  if (!existsSync(file)) return { name: `papers ${dtype}`, skipped: `no ${file}` };
  const embedder = await loadTransformersEmbedder(spec, dtype, { modelsDir, offline: true });
  await embedder.embedDocuments(texts.slice(0, 32)); // warm-up, not timed
  const t0 = performance.now();
  await embedder.embedDocuments(texts);
  const seconds = (performance.now() - t0) / 1000;
  await embedder.dispose();
  return { name: `papers ${dtype}`, file, seconds, docsPerSecond: texts.length / seconds };
}

function sentenceTransformersRow() {
  const python = join(values.venv, "bin", "python");
  if (!existsSync(python)) return { name: "sentence-transformers fp32", skipped: `no venv at ${values.venv}` };
  const dir = mkdtempSync(join(tmpdir(), "embed-throughput-"));
  try {
    writeFileSync(join(dir, "texts.json"), JSON.stringify(texts));
    const out = execFileSync(python, [new URL("st-embed.py", import.meta.url).pathname, spec.id, join(dir, "texts.json"), String(threads)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 1 << 24,
    });
    const r = JSON.parse(out.trim().split("\n").at(-1));
    return { name: "sentence-transformers fp32", ...r, docsPerSecond: r.docs / r.seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `papers index` over the same records into a new folder: wall-clock seconds of the whole command. */
function papersIndexRow() {
  const dir = mkdtempSync(join(tmpdir(), "embed-throughput-index-"));
  try {
    const input = join(dir, "papers.jsonl");
    writeFileSync(input, records.join("\n") + "\n");
    const t0 = performance.now();
    const out = execFileSync(process.execPath, [new URL("../bin/papers.js", import.meta.url).pathname, "--index", join(dir, "index"), "index", input, "--json"], {
      encoding: "utf8",
      env: { ...process.env, PAPERS_OFFLINE: "1" },
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 1 << 24,
    });
    const seconds = (performance.now() - t0) / 1000;
    const summary = JSON.parse(out);
    return { name: "papers index (end to end)", seconds, docsPerSecond: texts.length / seconds, embedded: summary.embedded, phases: summary.phases };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = values.index
  ? [papersIndexRow(), { name: "papers fp32", skipped: "--index" }, sentenceTransformersRow()]
  : [await papersRow("q8", values.models), await papersRow("fp32", values["fp32-models"]), sentenceTransformersRow()];
const st = rows[2].docsPerSecond;
console.log(`${texts.length} arXiv title+abstract texts, ${threads} threads, ${cpus()[0]?.model ?? "unknown CPU"}, ${spec.id}`);
console.log("| embedder | docs/s | vs sentence-transformers fp32 |");
console.log("| --- | ---: | ---: |");
for (const r of rows) {
  if (r.skipped === "--index") continue;
  if (r.skipped) console.log(`| ${r.name} | skipped (${r.skipped}) | |`);
  else console.log(`| ${r.name} | ${r.docsPerSecond.toFixed(1)} | ${st ? (r.docsPerSecond / st).toFixed(2) + "x" : ""} |`);
}
const result = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model,
  threads,
  docs: texts.length,
  model: spec.id,
  rows,
  ratioPapersQ8ToSentenceTransformers: rows[0].docsPerSecond && st ? rows[0].docsPerSecond / st : null,
};
mkdirSync(new URL("results/", import.meta.url), { recursive: true });
if (rows[0].phases) console.log("papers index phases (s):", JSON.stringify(rows[0].phases));
writeFileSync(new URL(values.index ? "results/index-throughput.json" : "results/embed-throughput.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");
