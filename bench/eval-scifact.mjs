#!/usr/bin/env node
// Retrieval quality on BEIR SciFact: every model × dtype × mode, through the same library API the
// CLI uses. Indexes are cached in ~/.cache/papers/eval, so only the first run embeds.
//
//   npm run build && node bench/eval-scifact.mjs [--models minilm,mpnet] [--dtypes fp32,q8] [--split test]
//
// Prints a Markdown table and writes bench/results/eval-scifact.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { evaluate } from "../dist/eval/evaluate.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: new URL("../../shared/data/scifact", import.meta.url).pathname },
    models: { type: "string", default: "minilm,mpnet" },
    dtypes: { type: "string", default: "fp32,q8" },
    modes: { type: "string", default: "dense,lexical,hybrid" },
    split: { type: "string", default: "test" },
  },
});

const rows = [];
for (const model of values.models.split(",")) {
  for (const dtype of values.dtypes.split(",")) {
    let indexSeconds = 0;
    for (const mode of values.modes.split(",")) {
      const options = { ...resolveOptions({ model, dtype }), split: values.split, mode };
      const report = await evaluate(values.data, options);
      indexSeconds ||= report.index_seconds;
      rows.push({ ...report, index_seconds: indexSeconds });
      process.stderr.write(`${model} ${dtype} ${mode}: nDCG@10 ${report.ndcg_at_10.toFixed(4)}\n`);
    }
  }
}

const docs = 5183;
console.log(`| model | dtype | mode | nDCG@10 | Recall@100 | MRR@10 | queries/s | docs embedded/s |`);
console.log(`| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |`);
for (const r of rows) {
  const rate = r.index_seconds ? (docs / r.index_seconds).toFixed(1) : "cached";
  console.log(
    `| ${r.model} | ${r.dtype} | ${r.mode} | ${r.ndcg_at_10.toFixed(4)} | ${r.recall_at_100.toFixed(4)} | ${r.mrr_at_10.toFixed(4)} | ${r.queries_per_second.toFixed(0)} | ${rate} |`,
  );
}
mkdirSync(new URL("results/", import.meta.url), { recursive: true });
writeFileSync(new URL("results/eval-scifact.json", import.meta.url), JSON.stringify(rows, null, 2) + "\n");
