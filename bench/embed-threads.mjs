#!/usr/bin/env node
// Do worker threads make embedding faster than one onnxruntime session using every core?
//
//   npm run build && node bench/embed-threads.mjs [--docs 1024] [--dtype fp32|q8]
//
// Runs the same pre-tokenised, length-sorted batches of 32 real arXiv abstracts three ways and
// prints documents/s for each:
//   one session, intraOpNumThreads = cores (what `papers index` does);
//   one session per worker thread, one thread each, batches dealt out round robin;
//   one session, one thread (the single-core baseline).
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";

async function runBatches(modelPath, threads, batches) {
  const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const wanted = new Set(session.inputNames);
  const feedsOf = (batch) =>
    Object.fromEntries(
      Object.entries(batch)
        .filter(([name]) => wanted.has(name))
        .map(([name, { data, dims }]) => [name, new ort.Tensor("int64", BigInt64Array.from(data, BigInt), dims)]),
    );
  await session.run(feedsOf(batches[0])); // warm-up, not timed
  const started = performance.now();
  for (const batch of batches) await session.run(feedsOf(batch));
  return (performance.now() - started) / 1000;
}

if (!isMainThread) {
  const { modelPath, batches } = workerData;
  parentPort.postMessage(await runBatches(modelPath, 1, batches));
} else {
  const { values } = parseArgs({
    options: {
      data: { type: "string", default: new URL("../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname },
      docs: { type: "string", default: "1024" },
      dtype: { type: "string", default: "fp32" },
    },
  });
  const { readCorpus } = await import("../dist/corpus/read-corpus.js");
  const { documentText } = await import("../dist/corpus/paper.js");
  const { knownModel, onnxFileName } = await import("../dist/embed/models.js");
  const { resolveOptions } = await import("../dist/settings.js");
  const options = resolveOptions({});
  const spec = knownModel("minilm");
  const { locateModel } = await import("../dist/embed/locate.js");
  const folder = locateModel(spec.id, values.dtype, options).folder;
  const modelPath = join(folder, "onnx", onnxFileName(values.dtype));

  const { papers } = await readCorpus([values.data]);
  const texts = papers.slice(0, Number(values.docs)).map(documentText).sort((a, b) => a.length - b.length);
  const { AutoTokenizer, env } = await import("@huggingface/transformers");
  env.localModelPath = folder.slice(0, -spec.id.length);
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained(spec.id);
  const batches = [];
  for (let i = 0; i < texts.length; i += 32) {
    const enc = tokenizer(texts.slice(i, i + 32), { padding: true, truncation: true, max_length: spec.maxTokens });
    // Plain arrays, so batches can be posted to workers.
    batches.push(Object.fromEntries(Object.entries(enc).map(([name, t]) => [name, { data: Array.from(t.data, Number), dims: t.dims }])));
  }

  const cores = availableParallelism();
  const rows = [];
  rows.push(["one session, " + cores + " threads", texts.length / (await runBatches(modelPath, cores, batches))]);
  const shares = Array.from({ length: cores }, (_, w) => batches.filter((_, i) => i % cores === w));
  const started = performance.now();
  await Promise.all(
    shares.map(
      (share) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(new URL(import.meta.url), { workerData: { modelPath, batches: share } });
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    ),
  );
  // Wall time includes each worker loading its session and warming up: that is the real cost.
  rows.push([`${cores} worker threads, 1 thread each`, texts.length / ((performance.now() - started) / 1000)]);
  rows.push(["one session, 1 thread", texts.length / (await runBatches(modelPath, 1, batches))]);

  console.log(`${texts.length} arXiv abstracts, all-MiniLM-L6-v2 ${values.dtype}, batches of 32 sorted by length\n`);
  console.log("| setup | docs/s |\n| --- | ---: |");
  for (const [name, rate] of rows) console.log(`| ${name} | ${rate.toFixed(1)} |`);
}
