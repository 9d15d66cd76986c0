import type { PaperIndex, SearchHit } from "./papers.js";
import type { SearchMode } from "./search/modes.js";

/**
 * The k papers closest to a piece of text that is not in the index (a draft abstract, a
 * paragraph): the text is searched for as a question, by meaning (dense) unless told otherwise,
 * since a long passage matches by topic rather than by a few rare words. A paper whose text it
 * is comes first, as the closest. Empty text is refused (EMPTY_QUERY), as k out of range is.
 */
export function relatedToText(index: PaperIndex, text: string, k = 10, mode: SearchMode = "dense"): Promise<SearchHit[]> {
  return index.search(text, k, mode);
}
