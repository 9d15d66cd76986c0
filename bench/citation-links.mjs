#!/usr/bin/env node
// Library-link precision and recall of reference matching (src/citations/match.ts), on the
// reference-list fixtures: every fixture PDF (one body citing all 35 entries of
// test/fixtures/references/library.bib, printed in seven BibTeX styles) is read by papers' PDF
// reader, and its references are matched, by the same function the stores call at a commit
// (linkCitations), against a library made of the .bib's entries with every 4th left out, so a
// quarter of the references name works the library lacks (linking one of those is a wrong link).
//
// Ground truth per reference: the .bib entry whose title (normalised) is the longest found in the
// reference's raw text. A link is right when it names that entry's paper; recall counts the
// references whose entry is in the library.
//
// Two libraries: "ids" as the .bib gives them (DOIs, arXiv ids: most links are exact ids), and
// "titles only" with every DOI and arXiv id removed from the library (links by title alone, the
// case of a library built from metadata that lacks them).
//
//   npm run build && node bench/citation-links.mjs [--json]
import { readFileSync, readdirSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCorpus } from "../dist/corpus/read-corpus.js";
import { linkCitations } from "../dist/citations/links.js";
import { normaliseTitle } from "../dist/citations/titles.js";

const FIXTURES = new URL("../test/fixtures/references/", import.meta.url).pathname;

/** The .bib's entries as papers: the fixtures' .bib has no abstracts, so each gets a stand-in one. */
export async function bibLibrary() {
  const dir = mkdtempSync(join(tmpdir(), "citation-links-"));
  try {
    const bib = readFileSync(join(FIXTURES, "library.bib"), "utf8").replace(/^(@\w+\{([^,]+),)$/gm, "$1\n  abstract = {The paper $2.},");
    writeFileSync(join(dir, "library.bib"), bib);
    return (await readCorpus([join(dir, "library.bib")], {})).papers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function fixturePdfs() {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".pdf")).sort();
  const papers = [];
  for (const file of files) {
    const [paper] = (await readCorpus([join(FIXTURES, file)], {})).papers;
    papers.push({ file, paper });
  }
  return papers;
}

/** The .bib entry a reference prints: the longest entry title found in its raw text. */
export function truthOf(raw, entries) {
  const text = ` ${normaliseTitle(raw)} `;
  let best = null;
  for (const entry of entries) {
    const title = normaliseTitle(entry.title ?? "");
    if (title && text.includes(` ${title} `) && (!best || title.length > normaliseTitle(best.title).length)) best = entry;
  }
  return best;
}

/** Links of every fixture PDF against `library`; precision and recall, in all and per style. */
export function measure(pdfs, entries, library) {
  const inLibrary = new Set(library.map((p) => p.id.toLowerCase()));
  const rows = [];
  for (const { file, paper } of pdfs) {
    const { data } = linkCitations({ previous: null, given: [paper], written: [], removed: [] }, () => [...library, paper]);
    const entry = data.papers[0] ?? { refs: [], to: [] };
    let links = 0, right = 0, linkable = 0, found = 0;
    entry.refs.forEach((ref, i) => {
      const truth = truthOf(ref.raw, entries);
      const to = entry.to[i];
      const truthIn = truth && inLibrary.has(truth.id.toLowerCase());
      if (truthIn) linkable++;
      if (to !== null) {
        links++;
        if (truth && to.toLowerCase() === truth.id.toLowerCase()) {
          right++;
          if (truthIn) found++;
        }
      }
    });
    rows.push({ file, references: entry.refs.length, links, right, linkable, found });
  }
  const sum = (key) => rows.reduce((s, r) => s + r[key], 0);
  return { precision: sum("right") / sum("links"), recall: sum("found") / sum("linkable"), links: sum("links"), right: sum("right"), linkable: sum("linkable"), found: sum("found"), rows };
}

async function main() {
  const entries = await bibLibrary();
  const library = entries.filter((_, i) => i % 4 !== 3);
  const titlesOnly = library.map((p) => ({ ...p, doi: null, arxivId: null }));
  const pdfs = await fixturePdfs();
  const results = { ids: measure(pdfs, entries, library), titlesOnly: measure(pdfs, entries, titlesOnly) };
  if (process.argv.includes("--json")) return console.log(JSON.stringify(results, null, 2));
  console.log(`${pdfs.length} fixture PDFs, ${entries.length} .bib entries, ${library.length} in the library (every 4th left out)`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`\nlibrary with ${name === "ids" ? "DOIs and arXiv ids" : "titles only (no DOI, no arXiv id)"}: precision ${r.precision.toFixed(3)} (${r.right}/${r.links}), recall ${r.recall.toFixed(3)} (${r.found}/${r.linkable})`);
    for (const row of r.rows) console.log(`  ${row.file.padEnd(24)} ${String(row.references).padStart(3)} refs  ${String(row.right).padStart(2)}/${String(row.links).padStart(2)} links right  ${String(row.found).padStart(2)}/${String(row.linkable).padStart(2)} found`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
