#!/usr/bin/env node
// What indexing PDFs costs: 100 distinct multi-page papers made by pdflatex from the fixture
// sources (each with its own sentences in every section, so no passage repeats and every one is
// embedded), read and then indexed with the real model.
//
//   npm run build && PAPERS_MODELS=... node bench/pdf-index.mjs [--count 100] [--work /tmp/papers-pdf-bench]
//
// Needs pdflatex (Debian texlive-latex-base). Prints PDFs per second (reading alone, and
// end to end), passages per paper and the index size per 100 PDFs; writes bench/results/pdf-index.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readCorpus } from "../dist/corpus/read-corpus.js";
import { indexPapers, openIndex } from "../dist/papers.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: { count: { type: "string", default: "100" }, work: { type: "string", default: "/tmp/papers-pdf-bench" } },
});
const count = Number(values.count);
const SRC = new URL("../test/fixtures/pdf-src/", import.meta.url).pathname;
const sources = ["glacier-onecol", "flow-twocol", "beekeeping-noabstract"].map((name) => readFileSync(join(SRC, `${name}.tex`), "utf8"));
const WORDS = ["sensor", "valley", "network", "colony", "season", "station", "packet", "meadow", "survey", "model"];

rmSync(values.work, { recursive: true, force: true });
const tex = join(values.work, "tex");
const pdfs = join(values.work, "pdfs");
mkdirSync(tex, { recursive: true });
mkdirSync(pdfs, { recursive: true });
let started = performance.now();
for (let i = 0; i < count; i++) {
  // A different title and abstract (a new paper, not a new version) and new sentences in every section.
  const variant = sources[i % sources.length]
    .replace(/\\title\{([^}]*)\}/, (_, title) => `\\title{${title}: Study ${i + 1}}`)
    .replace(/\\begin\{abstract\}\n|\\maketitle\n(?!\\begin\{abstract\})/, (start) => `${start}This is study number ${i + 1} of the series, at site ${(i * 37) % 101}. `)
    .replace(/\\pdfinfo\{[^\n]*\}/, "")
    // One arXiv id would make every copy the same paper.
    .replace(/\\date\{arXiv:[^}]*\}/, "\\date{2024}")
    .replace(/(\\section\{[^}]*\})/g, (heading, _h, offset) => `${heading}\nIn replication ${i + 1} the ${WORDS[(i + offset) % WORDS.length]} readings at site ${(i * 13 + offset) % 97} were logged twice a day for ${(i % 9) + 2} weeks.`);
  writeFileSync(join(tex, `paper-${i}.tex`), variant);
  execFileSync("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", `paper-${i}.tex`], { cwd: tex, stdio: "ignore" });
  execFileSync("cp", [join(tex, `paper-${i}.pdf`), pdfs]);
}
const makeSeconds = (performance.now() - started) / 1000;

started = performance.now();
const corpus = await readCorpus([pdfs]);
const readSeconds = (performance.now() - started) / 1000;
const passages = corpus.papers.map((p) => p.passages?.length ?? 0);

const indexDir = join(values.work, "index");
const options = { ...resolveOptions({}), indexDir };
started = performance.now();
const summary = await indexPapers([pdfs], options);
const indexSeconds = (performance.now() - started) / 1000;
const index = await openIndex(options);
const info = index.info();
await index.close();

const result = {
  pdfs: count,
  papers: corpus.papers.length,
  skipped: corpus.skipped.length,
  make_seconds: round(makeSeconds),
  read_seconds: round(readSeconds),
  read_pdfs_per_second: round(count / readSeconds),
  index_seconds: round(indexSeconds),
  index_pdfs_per_second: round(count / indexSeconds),
  embedded: summary.embedded,
  passages: info.passages,
  passages_per_paper: round(info.passages / corpus.papers.length),
  passages_per_paper_min: Math.min(...passages),
  passages_per_paper_max: Math.max(...passages),
  index_bytes: info.sizeBytes,
  index_mb_per_100_pdfs: round((info.sizeBytes / 1e6) * (100 / count)),
  model: `${info.model} (${info.dtype})`,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(new URL("results/", import.meta.url), { recursive: true });
writeFileSync(new URL("results/pdf-index.json", import.meta.url), JSON.stringify(result, null, 2) + "\n");

function round(x) {
  return Math.round(x * 100) / 100;
}
