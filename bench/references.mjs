#!/usr/bin/env node
// How well reference lists are read from PDFs (src/corpus/references/), against exact ground truth.
//
//   npm run build && node bench/references.mjs [--json] [--real /path/to/ind.pdf]
//
// Fixtures: test/fixtures/references/*.pdf, built by scripts/build-reference-fixtures.sh from one
// body citing library.bib (\nocite{*}) in one BibTeX style each. Truth per PDF: its .bbl (bbl/NAME.bbl)
// says which entries the list holds, in order; library.bib gives their fields.
// Real paper: Chen & Harrison, "Index Preparation and Processing" (TeX Live's makeindex paper,
// /usr/share/doc/texlive-doc/support/makeindex/ind.pdf from Debian's texlive-base), its list checked
// by hand in test/fixtures/references/real/ind.references.json. Skipped when the PDF is not there.
//
// Definitions (src/corpus/references/score.ts):
// - count: references read; exact when equal to the entries in the list.
// - alignment: each reference read is paired with at most one true entry, greedily by the share of
//   the entry's words (title, surnames, year) that its raw text holds; best first; none under 0.5.
// - a field is correct when the pair's values are equal after normalising: titles lower-cased with
//   accents and all but letters and digits dropped; years as numbers; DOIs and arXiv ids lower-case.
// - precision = correct / values read; recall = correct / true values the printed list shows (the
//   .bbl contains the DOI or arXiv id: plain, ieeetr, apalike and acm print no doi field, so only
//   DOIs and ids written in a note, url or journal field count for them).
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readPdfText } from "../dist/corpus/pdf-text.js";
import { pdfPaper } from "../dist/corpus/pdf-paper.js";
import { addScores, bibTruth, precision, recall, scoreReferences, SCORED_FIELDS } from "../dist/corpus/references/score.js";

const { values } = parseArgs({
  options: { json: { type: "boolean", default: false }, real: { type: "string", default: "/usr/share/doc/texlive-doc/support/makeindex/ind.pdf" } },
});
const FIXTURES = new URL("../test/fixtures/references/", import.meta.url).pathname;
const STYLES = [
  ["plain", "plain"],
  ["ieeetr", "ieeetr"],
  ["apalike", "apalike"],
  ["acm", "acm"],
  ["plainnat-twocol", "plainnat, two columns"],
  ["ieeetr-twocol", "ieeetr, two columns"],
  ["abbrvnat", "abbrvnat (numbers)"],
  // Added after the parser was written on the seven above, as a check on styles it had not seen
  // (alpha's superscript labels, siam's comma-separated title, chicago's mixed name order).
  ["alpha", "alpha"],
  ["siam", "siam"],
  ["chicago", "chicago (natbib)"],
];

async function referencesOf(file) {
  return pdfPaper(await readPdfText(new Uint8Array(readFileSync(file)))).references;
}

const bib = readFileSync(join(FIXTURES, "library.bib"), "utf8");
const rows = [];
for (const [name, style] of STYLES) {
  const truth = bibTruth(bib, readFileSync(join(FIXTURES, "bbl", `${name}.bbl`), "utf8"));
  const score = scoreReferences(await referencesOf(join(FIXTURES, `${name}.pdf`)), truth);
  rows.push({ name, style, score });
}
const fixtures = addScores(rows.map((row) => row.score));
let real = null;
if (existsSync(values.real)) {
  const truth = JSON.parse(readFileSync(join(FIXTURES, "real", "ind.references.json"), "utf8")).references.map((t) => ({ ...t, printedDoi: t.doi !== null, printedArxiv: t.arxivId !== null }));
  real = { name: "ind.pdf", style: "real paper (numbered)", score: scoreReferences(await referencesOf(values.real), truth) };
}

const pct = (x) => (x * 100).toFixed(1);
const cell = (s) => (s.expected === 0 && s.read === 0 ? "–" : `${pct(precision(s))} / ${pct(recall(s))} (${s.expected})`);
if (values.json) {
  console.log(JSON.stringify({ rows, fixtures, real }, null, 2));
} else {
  console.log("| PDF | style | references read / in list | title P / R (n) | year P / R (n) | DOI P / R (n) | arXiv P / R (n) |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const { name, style, score } of [...rows, ...(real ? [real] : [])]) {
    const count = `${score.found} / ${score.expected}${score.found === score.expected ? " exact" : ""}`;
    console.log(`| ${name} | ${style} | ${count} | ${SCORED_FIELDS.map((f) => cell(score.fields[f])).join(" | ")} |`);
  }
  const exact = rows.filter((row) => row.score.found === row.score.expected).length;
  console.log(`| all fixtures | ${rows.length} PDFs, counts exact in ${exact} (${pct(exact / rows.length)}%) | ${fixtures.found} / ${fixtures.expected} | ${SCORED_FIELDS.map((f) => cell(fixtures.fields[f])).join(" | ")} |`);
  if (!real) console.log(`(real paper skipped: ${values.real} not found)`);
}
