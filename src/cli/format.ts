/** Everything the CLI prints to a person or a program is shaped here. */
import type { EvalReport } from "../eval/evaluate.js";
import { plainPaper, plainText } from "../text-safety.js";
import { formatSkipped, paperJson, type Explanation, type HitPassage, type IndexInfo, type IndexSummary, type Paper, type PassageHit, type Recommendations, type SearchHit, type Skipped, type TopicSummary, type ZoteroSummary } from "../papers.js";

export { plainText };

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
    .map(plainPaper)
    .map((hit, i) => {
      const rank = `${String(i + 1).padStart(2)}.`;
      const lines = [`${rank} ${(hit.relevance ?? hit.score).toFixed(3)}  ${displayTitle(hit)}`, `    ${paperLink(hit)}`];
      if (hit.passage) {
        lines.push(`    ${plainText(passagePlace(hit.passage))}:`);
        for (const line of snippet(plainText(hit.passage.text), 3)) lines.push(`    ${line}`);
      } else for (const line of snippet(hit.abstract, 2)) lines.push(`    ${line}`);
      if (hit.explain) {
        lines.push(`    best sentence (${hit.explain.sentenceScore.toFixed(2)}): “${truncate(plainText(hit.explain.sentence), WIDTH * 2)}”`);
        const terms = hit.explain.terms.map((t) => `${plainText(t.words[0] ?? t.term)} ${Math.round(t.share * 100)}%`);
        lines.push(`    words matched: ${terms.length > 0 ? terms.join(", ") : "none (found by meaning only)"}`);
      }
      return lines.join("\n");
    })
    .join("\n\n");
}

/** "p. 7, §4.2 Results": where a passage is in its paper. */
export function passagePlace(passage: Pick<HitPassage, "page" | "section"> & { lastPage?: number }): string {
  const pages = passage.lastPage !== undefined && passage.lastPage !== passage.page ? `pp. ${passage.page}–${passage.lastPage}` : `p. ${passage.page}`;
  return passage.section ? `${pages}, §${passage.section}` : pages;
}

export function formatPassageHits(hits: PassageHit[]): string {
  if (hits.length === 0) return "No passages found (only PDFs have them).";
  return hits
    .map((hit, i) => {
      const rank = `${String(i + 1).padStart(2)}.`;
      const lines = [`${rank} ${hit.score.toFixed(3)}  ${plainText(hit.title ?? hit.id)}`, `    id ${plainText(hit.id)}, ${plainText(passagePlace(hit))}`];
      for (const line of snippet(plainText(hit.text), 3)) lines.push(`    ${line}`);
      return lines.join("\n");
    })
    .join("\n\n");
}

export function passageHitJson(hit: PassageHit): Record<string, unknown> {
  return { id: hit.id, title: hit.title, score: Math.round(hit.score * 1e4) / 1e4, page: hit.page, lastPage: hit.lastPage, section: hit.section, text: hit.text };
}

export function formatPaper(raw: Paper): string {
  const paper = plainPaper(raw);
  const lines = [displayTitle(paper), `id: ${paper.id}`];
  if (paper.arxivId) lines.push(`arXiv: ${paper.arxivId}  https://arxiv.org/abs/${paper.arxivId}`);
  if (paper.doi) lines.push(`doi: ${paper.doi}`);
  if (paper.journalRef) lines.push(`journal: ${paper.journalRef}`);
  if (paper.authors.length > 0) lines.push(`authors: ${paper.authors.join(", ")}`);
  if (paper.categories.length > 0) lines.push(`categories: ${paper.categories.join(" ")}`);
  if (paper.year !== null) lines.push(`year: ${paper.year}`);
  if (paper.date) lines.push(`date: ${paper.date}`);
  for (const comment of paper.comments) lines.push(`comment: ${comment}`);
  // Line 0: a source without lines (the URL `papers fetch arxiv` took the paper from).
  for (const source of paper.sources) lines.push(`source: ${source.file}${source.line > 0 ? `:${source.line}` : ""}`);
  // concat, not push(...): an abstract of up to a million characters wraps into that many lines / 100.
  return lines.concat("", wrap(paper.abstract, WIDTH)).join("\n");
}

/** Ids up to this long line up in a column (arXiv's are 9 to 16 characters); a longer one takes its own room. */
const LIST_ID_COLUMN = 16;

/** One line a paper: id, then title, cut to fit. A long id pushes only its own title along. */
export function formatList(papers: Paper[]): string {
  // The longest id that fits the column sets its width: a loop, as spreading 125,000+ ids into Math.max overflows the stack.
  let column = 0;
  for (const p of papers) if (p.id.length <= LIST_ID_COLUMN && p.id.length > column) column = p.id.length;
  return papers
    .map((raw) => {
      const p = plainPaper(raw);
      const id = p.id.padEnd(column);
      return `${id}  ${truncate(displayTitle(p), Math.max(20, WIDTH - id.length - 2))}`;
    })
    .join("\n");
}

/** The saved likes (`papers likes`): liked and unliked papers as `list` shows them, then the missing. */
export function formatLikes(likes: { liked: Paper[]; unliked: Paper[]; missing: readonly { id: string; liked: boolean }[] }, location: string): string {
  const { liked, unliked, missing } = likes;
  if (liked.length + unliked.length + missing.length === 0) return `No likes saved in ${location}: \`papers like ID...\` saves some.`;
  const parts: string[] = [];
  if (liked.length > 0) parts.push(`Liked (${liked.length}):\n${formatList(liked)}`);
  if (unliked.length > 0) parts.push(`Unliked (${unliked.length}):\n${formatList(unliked)}`);
  if (missing.length > 0) {
    const lines = missing.map((m) => `${plainText(m.id)}  (${m.liked ? "liked" : "unliked"})`);
    parts.push(`Not in the index (${missing.length}), kept in case they come back (\`papers like --clear ID\` forgets one):\n${lines.join("\n")}`);
  }
  return parts.join("\n\n");
}

/** Topics as text: "12. label (size papers)", then its representative papers, indented. */
export function formatTopics(topics: readonly TopicSummary[]): string {
  if (topics.length === 0) return "No topics: the index holds no papers.";
  return topics
    .map((t, i) => [`${i + 1}. ${plainText(t.label)} (${t.size} ${t.size === 1 ? "paper" : "papers"})`,
      ...t.representatives.map((p) => `     ${plainText(p.id)}  ${plainText(p.title ?? "(no title)")}`)].join("\n"))
    .join("\n");
}

export function formatInfo(info: IndexInfo): string {
  return [
    `model:       ${plainText(info.model)} (${info.dtype})`,
    `dimension:   ${info.dimension}`,
    `papers:      ${info.count}`,
    ...(info.passages > 0 ? [`passages:    ${info.passages}`] : []),
    `built:       ${info.builtAt}`,
    `fingerprint: ${info.fingerprint}`,
    `index:       ${plainText(info.indexPath)}`,
    `size:        ${formatBytes(info.sizeBytes)}`,
    ...info.advice.map((advice) => `advice:      ${plainText(advice)}`),
  ].join("\n");
}

/** The index summary of a Zotero run, with what the library held besides papers. */
export function formatZoteroSummary(summary: ZoteroSummary, indexDir: string): string {
  const z = summary.zotero;
  return (
    `${formatIndexSummary(summary, indexDir)}\n` +
    `Zotero: ${z.items} items read (${z.pdfs} PDFs)${z.unchanged > 0 ? `, ${z.unchanged} unchanged since the last sync` : ""}, ${summary.removed} removed from the index as deleted or trashed; ` +
    `left out: ${z.notes} standalone notes, ${z.standaloneAttachments} standalone attachments, ${z.trashed} in the trash, ${z.noAbstract} without abstract or PDF`
  );
}

export function formatIndexSummary(summary: IndexSummary, indexDir: string): string {
  const { manifest } = summary;
  const files = `${summary.files.length} file${summary.files.length === 1 ? "" : "s"}`;
  const resumed = summary.resumed > 0 ? `, ${summary.resumed} resumed from an interrupted run` : "";
  const { skipped, replaced, repeated } = skipCounts(summary.skipped);
  const leftOut = (skipped > 0 ? `, ${skipped} skipped` : "") + (repeated > 0 ? `, ${repeated} repeated paths read once` : "");
  const replacedText = replaced > 0 ? `, ${replaced} replaced by a later record with the same id` : "";
  const reread = summary.filesUnchanged > 0 ? ` (${summary.filesUnchanged} unchanged, ${summary.filesRead} read)` : "";
  const pruned = summary.pruned > 0 ? `, ${summary.pruned} pruned` : "";
  const prunable =
    summary.prunable > 0 ? `\n${summary.prunable} ${summary.prunable === 1 ? "paper's files are" : "papers' files are"} gone: rerun with --prune to remove ${summary.prunable === 1 ? "it" : "them"}` : "";
  return (
    `${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged${pruned}${leftOut}${replacedText} from ${files}${reread}${resumed}; ` +
    `${manifest.count} papers in ${plainText(indexDir)} (${plainText(manifest.model.id)}, ${manifest.model.dtype}), ` +
    `${summary.embedded} embedded in ${summary.seconds.toFixed(1)} s${prunable}`
  );
}

export function indexSummaryJson(summary: IndexSummary): Record<string, unknown> {
  return {
    added: summary.added,
    updated: summary.updated,
    unchanged: summary.unchanged,
    removed: summary.removed,
    files_unchanged: summary.filesUnchanged,
    files_hashed: summary.filesHashed,
    files_read: summary.filesRead,
    pruned: summary.pruned,
    prunable: summary.prunable,
    ...skipCounts(summary.skipped),
    resumed: summary.resumed,
    embedded: summary.embedded,
    papers: summary.manifest.count,
    files: summary.files,
    model: summary.manifest.model.id,
    dtype: summary.manifest.model.dtype,
    seconds: round(summary.seconds, 2),
    docs_per_second: round(summary.embedded / summary.seconds, 1),
    ...(summary.phases && { phases: summary.phases }),
  };
}

/**
 * Records and files left out ("skipped"), papers a later record replaced ("replaced"), and files
 * and folders reached again, through a symlink loop or named twice, and read once ("repeated").
 */
function skipCounts(skipped: readonly Skipped[]): { skipped: number; replaced: number; repeated: number } {
  const replaced = skipped.filter((s) => s.kind === "replaced").length;
  const repeated = skipped.filter((s) => s.kind === "repeated").length;
  const conflicts = skipped.filter((s) => s.kind === "conflict").length;
  const notes = skipped.filter((s) => s.kind === "note").length;
  return { skipped: skipped.length - replaced - repeated - conflicts - notes, replaced, repeated };
}

const SKIPPED_SHOWN = 20;

/** The stderr report of what an indexing run left out or replaced, one `file:line: reason` each. */
export function formatSkippedReport(skipped: readonly Skipped[]): string {
  const lines = skipped.slice(0, SKIPPED_SHOWN).map((s) => `papers: ${s.kind === "replaced" ? "" : s.kind === "repeated" ? "repeated " : s.kind === "conflict" ? "kept apart: " : s.kind === "note" ? "note: " : "skipped "}${plainText(formatSkipped(s))}`);
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
    `${plainText(report.model)} (${report.dtype}), ${report.mode}, ${report.queries} ${report.split} queries`,
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
