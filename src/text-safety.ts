/**
 * Text from data made safe for a terminal or a text file a person opens: shared by the CLI's
 * human output (src/cli/format.ts) and the text exports (src/export/), so both neutralise the
 * same characters the same way.
 */
import type { Paper } from "./corpus/paper.js";

/**
 * Every C0 and C1 control character (ESC, BEL, CSI U+009B, …) and DEL becomes a space (tabs and
 * line breaks) or U+FFFD (the rest), so a title cannot set the window title, clear the screen or
 * move the cursor. Line breaks in output are the formatter's own. `--json` output is never passed
 * through this.
 */
export function plainText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (c === "\t" || c === "\n" || c === "\r" ? " " : "\ufffd"));
}

/** A paper with every text field made plainText, for human output. */
export function plainPaper<P extends Paper>(paper: P): P {
  return mapPaperText(paper, plainText);
}

/** A paper with every text field passed through `clean`. */
export function mapPaperText<P extends Paper>(paper: P, clean: (text: string) => string): P {
  const text = (value: string | null) => (value === null ? null : clean(value));
  return {
    ...paper,
    id: clean(paper.id),
    title: text(paper.title),
    abstract: clean(paper.abstract),
    arxivId: text(paper.arxivId),
    doi: text(paper.doi),
    journalRef: text(paper.journalRef),
    comments: paper.comments.map(clean),
    authors: paper.authors.map(clean),
    categories: paper.categories.map(clean),
    sources: paper.sources.map((s) => ({ ...s, file: clean(s.file) })),
  };
}
