/** Everything the CLI prints to a person or a program is shaped here. */
import type { EvalReport } from "../eval/evaluate.js";
import { formatSkipped, paperJson, type IndexInfo, type IndexSummary, type Paper, type Explanation, type Recommendations, type SearchHit, type Skipped } from "../papers.js";

const WIDTH = 100;

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** A title to show: the paper's own, else its first sentence. */
export function displayTitle(paper: Paper): string {
  if (paper.title) return paper.title;
  const sentence = /^(.+?[.!?])(\s|$)/.exec(paper.abstract)?.[1] ?? paper.abstract;
  return truncate(sentence, WIDTH - 10);
}

export function paperLink(paper: Paper): string {
  if (paper.arxivId) return `https://arxiv.org/abs/${paper.arxivId}`;
  if (paper.doi) return `https://doi.org/${paper.doi}`;
  return `id ${paper.id}`;
}

/** Hits, best first; a question's hits show their calibrated relevance (comparable across questions), others their score. */
export function formatHits(hits: (SearchHit & { explain?: Explanation; relevance?: number })[]): string {
  if (hits.length === 0) return "No papers found.";
  return hits
    .map((hit, i) => {
      const rank = `${String(i + 1).padStart(2)}.`;
      const lines = [`${rank} ${(hit.relevance ?? hit.score).toFixed(3)}  ${displayTitle(hit)}`, `    ${paperLink(hit)}`];
      for (const line of snippet(hit.abstract, 2)) lines.push(`    ${line}`);
      if (hit.explain) {
        lines.push(`    best sentence (${hit.explain.sentenceScore.toFixed(2)}): “${truncate(hit.explain.sentence, WIDTH * 2)}”`);
        const terms = hit.explain.terms.map((t) => `${t.words[0] ?? t.term} ${Math.round(t.share * 100)}%`);
        lines.push(`    words matched: ${terms.length > 0 ? terms.join(", ") : "none (found by meaning only)"}`);
      }
      return lines.join("\n");
    })
    .join("\n\n");
}

export function formatPaper(paper: Paper): string {
  const lines = [displayTitle(paper), `id: ${paper.id}`];
  if (paper.arxivId) lines.push(`arXiv: ${paper.arxivId}  https://arxiv.org/abs/${paper.arxivId}`);
  if (paper.doi) lines.push(`doi: ${paper.doi}`);
  if (paper.journalRef) lines.push(`journal: ${paper.journalRef}`);
  if (paper.authors.length > 0) lines.push(`authors: ${paper.authors.join(", ")}`);
  if (paper.categories.length > 0) lines.push(`categories: ${paper.categories.join(" ")}`);
  if (paper.year !== null) lines.push(`year: ${paper.year}`);
  for (const comment of paper.comments) lines.push(`comment: ${comment}`);
  for (const source of paper.sources) lines.push(`source: ${source.file}:${source.line}`);
  lines.push("", ...wrap(paper.abstract, WIDTH));
  return lines.join("\n");
}

export function formatList(papers: Paper[]): string {
  const width = Math.max(0, ...papers.map((p) => p.id.length));
  return papers.map((p) => `${p.id.padEnd(width)}  ${truncate(displayTitle(p), WIDTH - width - 2)}`).join("\n");
}

export function formatInfo(info: IndexInfo): string {
  return [
    `model:       ${info.model} (${info.dtype})`,
    `dimension:   ${info.dimension}`,
    `papers:      ${info.count}`,
    `built:       ${info.builtAt}`,
    `fingerprint: ${info.fingerprint}`,
    `index:       ${info.indexPath}`,
    `size:        ${formatBytes(info.sizeBytes)}`,
  ].join("\n");
}

export function formatIndexSummary(summary: IndexSummary, indexDir: string): string {
  const { manifest } = summary;
  const files = `${summary.files.length} file${summary.files.length === 1 ? "" : "s"}`;
  const resumed = summary.resumed > 0 ? `, ${summary.resumed} resumed from an interrupted run` : "";
  const { skipped, replaced } = skipCounts(summary.skipped);
  const leftOut = skipped > 0 ? `, ${skipped} skipped` : "";
  const replacedText = replaced > 0 ? `, ${replaced} replaced by a later record with the same id` : "";
  return (
    `${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged${leftOut}${replacedText} from ${files}${resumed}; ` +
    `${manifest.count} papers in ${indexDir} (${manifest.model.id}, ${manifest.model.dtype}), ` +
    `${summary.embedded} embedded in ${summary.seconds.toFixed(1)} s`
  );
}

export function indexSummaryJson(summary: IndexSummary): Record<string, unknown> {
  return {
    added: summary.added,
    updated: summary.updated,
    unchanged: summary.unchanged,
    removed: summary.removed,
    ...skipCounts(summary.skipped),
    resumed: summary.resumed,
    embedded: summary.embedded,
    papers: summary.manifest.count,
    files: summary.files,
    model: summary.manifest.model.id,
    dtype: summary.manifest.model.dtype,
    seconds: round(summary.seconds, 2),
    docs_per_second: round(summary.embedded / summary.seconds, 1),
  };
}

/** Records and files left out ("skipped") and papers a later record replaced ("replaced"). */
function skipCounts(skipped: readonly Skipped[]): { skipped: number; replaced: number } {
  const replaced = skipped.filter((s) => s.kind === "replaced").length;
  return { skipped: skipped.length - replaced, replaced };
}

const SKIPPED_SHOWN = 20;

/** The stderr report of what an indexing run left out or replaced, one `file:line: reason` each. */
export function formatSkippedReport(skipped: readonly Skipped[]): string {
  const lines = skipped.slice(0, SKIPPED_SHOWN).map((s) => `papers: ${s.kind === "replaced" ? "" : "skipped "}${formatSkipped(s)}`);
  if (skipped.length > SKIPPED_SHOWN) lines.push(`papers: ... and ${skipped.length - SKIPPED_SHOWN} more`);
  return lines.join("\n") + "\n";
}

/** The `eval --json` object. */
export function evalJson(report: EvalReport): Record<string, unknown> {
  return {
    ndcg_at_10: round(report.ndcg_at_10, 4),
    recall_at_100: round(report.recall_at_100, 4),
    mrr_at_10: round(report.mrr_at_10, 4),
    queries: report.queries,
    mode: report.mode,
    model: report.model,
    dtype: report.dtype,
    split: report.split,
    seconds: round(report.seconds, 2),
    queries_per_second: round(report.queries_per_second, 1),
    index_seconds: round(report.index_seconds, 1),
  };
}

export function formatEval(report: EvalReport): string {
  return [
    `${report.model} (${report.dtype}), ${report.mode}, ${report.queries} ${report.split} queries`,
    `nDCG@10     ${report.ndcg_at_10.toFixed(4)}`,
    `Recall@100  ${report.recall_at_100.toFixed(4)}`,
    `MRR@10      ${report.mrr_at_10.toFixed(4)}`,
    `${report.queries_per_second.toFixed(1)} queries/s` + (report.index_seconds ? `, indexed in ${report.index_seconds.toFixed(1)} s` : ""),
  ].join("\n");
}

function snippet(text: string, lines: number): string[] {
  const wrapped = wrap(text, WIDTH - 4);
  if (wrapped.length <= lines) return wrapped;
  const kept = wrapped.slice(0, lines);
  const cut = truncate(kept[lines - 1]!, WIDTH - 5);
  kept[lines - 1] = cut.endsWith("…") ? cut : `${cut}…`;
  return kept;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : text.slice(0, width - 1).trimEnd() + "…";
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Why these recommendations: the words that weigh most for and against, as arxiv-sanity shows them. */
export function formatWhy(result: Pick<Recommendations, "method" | "why" | "candidates">): string {
  const words = (list: { word: string; weight: number }[]) => list.map((w) => `${w.word} ${w.weight >= 0 ? "+" : ""}${w.weight.toFixed(2)}`).join(", ");
  const lines = [result.method === "classifier" ? `Ranked by a classifier trained on your likes and unlikes (${result.candidates} candidates).` : "Ranked by closeness to what you like."];
  if (result.why.words.length > 0) lines.push(`Words for:     ${words(result.why.words)}`);
  if (result.why.against.length > 0) lines.push(`Words against: ${words(result.why.against)}`);
  if (result.why.embeddingShare !== undefined) lines.push(`Share of the classifier's weight on meaning (the embedding): ${(result.why.embeddingShare * 100).toFixed(0)}%`);
  return lines.join("\n");
}
