#!/usr/bin/env node
// What citation links cost a commit at scale (src/citations/links.ts, as the stores run it): a
// library of the 74,728 arXiv titles (../shared/data/arxiv-cs-listings), and --pdfs citing papers
// of --refs references each, 4 in 5 naming a library paper by its title (case changed, as reference
// lists print them) and 1 in 5 a work outside it (words of two titles spliced). Times, each the
// median of --runs:
//   - linking all the PDFs in one commit (the library read as match targets);
//   - a commit adding one more PDF to the stored links (one list matched);
//   - a commit adding 1,000 arXiv papers with no references (stored references linked to them);
//   - writing and reading the artifact (JSON), and its size.
//
//   npm run build && node bench/citation-scale.mjs [--pdfs 1000] [--refs 50] [--runs 3]
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parseArgs } from "node:util";
import { linkCitations } from "../dist/citations/links.js";
import { seededRandom } from "../dist/map/knn.js";
import { normaliseTitle } from "../dist/citations/titles.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: new URL("../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname },
    pdfs: { type: "string", default: "1000" },
    refs: { type: "string", default: "50" },
    runs: { type: "string", default: "3" },
  },
});
const random = seededRandom(7);
const listings = gunzipSync(readFileSync(values.data)).toString("utf8").trim().split("\n").map((line) => JSON.parse(line));
const library = listings.map((p) => ({ id: p.id, title: p.title, year: Number(String(p.date ?? "").slice(0, 4)) || null, doi: null, arxivId: p.id, authors: p.authors ?? [] }));
const pick = () => library[Math.floor(random() * library.length)];
const reference = () => {
  if (random() < 0.8) {
    const paper = pick();
    return { raw: paper.title, label: null, authors: paper.authors.slice(0, 3), title: paper.title.toLowerCase(), year: paper.year, venue: null, doi: null, arxivId: null, url: null, planted: paper.id };
  }
  const [a, b] = [pick().title.split(" "), pick().title.split(" ")];
  const title = [...a.slice(0, Math.ceil(a.length / 2)), ...b.slice(Math.ceil(b.length / 2))].join(" ");
  return { raw: title, label: null, authors: [], title, year: 2020, venue: null, doi: null, arxivId: null, url: null };
};
const pdfs = Array.from({ length: Number(values.pdfs) }, (_, i) => ({ id: `pdf-${i}`, title: `A paper read from a PDF, number ${i}`, year: 2026, doi: null, arxivId: null, authors: [], references: Array.from({ length: Number(values.refs) }, reference) }));
const runs = Number(values.runs);
const median = (f) => {
  const times = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    result = f();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], result };
};
const everything = [...library, ...pdfs];
const all = median(() => linkCitations({ previous: null, given: pdfs, written: pdfs, removed: [] }, () => everything));
const data = all.result.data;
// A link is right when it names the planted paper, or one with the same normalised title (arXiv has a few twins).
const titleOf = new Map(library.map((p) => [p.id, normaliseTitle(p.title)]));
let links = 0, right = 0, planted = 0, found = 0;
for (const entry of data.papers) {
  entry.refs.forEach((ref, i) => {
    const to = entry.to[i];
    if (ref.planted) planted++;
    if (to === null) return;
    links++;
    if (ref.planted && titleOf.get(to) === titleOf.get(ref.planted)) {
      right++;
      found++;
    }
  });
}
const extra = { ...pdfs[0], id: "pdf-extra", references: Array.from({ length: Number(values.refs) }, reference) };
const one = median(() => linkCitations({ previous: data, given: [extra], written: [extra], removed: [] }, () => [...everything, extra]));
const arrivals = Array.from({ length: 1000 }, (_, i) => ({ id: `new-${i}`, title: `${pick().title} revisited ${i}`, year: 2026, doi: null, arxivId: null, authors: [] }));
const added = median(() => linkCitations({ previous: data, given: arrivals, written: arrivals, removed: [] }, () => {
  throw new Error("adding papers without references must not read the library");
}));
const text = median(() => JSON.stringify(data));
const parsed = median(() => JSON.parse(text.result));
console.log(`library ${library.length} papers; ${pdfs.length} PDFs x ${values.refs} references, ${planted} naming a library paper: ${links} links, ${right} right (precision ${(right / links).toFixed(4)}, recall ${(found / planted).toFixed(4)})`);
console.log(`link all PDFs in one commit: ${all.ms.toFixed(0)} ms`);
console.log(`a commit adding one PDF (stored links kept): ${one.ms.toFixed(0)} ms`);
console.log(`a commit adding 1,000 papers without references: ${added.ms.toFixed(0)} ms`);
console.log(`artifact: ${(Buffer.byteLength(text.result) / 1e6).toFixed(1)} MB; JSON.stringify ${text.ms.toFixed(0)} ms, JSON.parse ${parsed.ms.toFixed(0)} ms (median of ${runs})`);
