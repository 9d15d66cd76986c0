/**
 * One entry of a paper's reference list, as read from its PDF (or a LaTeX `.bbl`, or GROBID):
 * the raw text always, and each field when it could be read (null when not).
 */
export interface Reference {
  /** The entry as printed, one line, hyphenation at line ends undone. */
  raw: string;
  /** Its label as printed ("12" for `[12]` or `12.`), or null for author-year styles. */
  label: string | null;
  authors: string[];
  title: string | null;
  year: number | null;
  /** Journal, proceedings or publisher, as printed. */
  venue: string | null;
  /** Lower-case, without a `https://doi.org/` prefix. */
  doi: string | null;
  /** New style (`2106.09685`, no version) or old style (`hep-th/9901001`). */
  arxivId: string | null;
  url: string | null;
}
