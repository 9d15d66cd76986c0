/**
 * The ask request, for every front end: the sentences that answer a question, each cited to its
 * paper (PaperIndex.ask), and for the search page where each one sits: the abstract, or the PDF
 * passage, it was taken from, so that it can be shown highlighted there.
 */
import { isPapersError, type Answer, type PaperIndex, type SearchMode } from "../papers.js";
import { searchFilter, type SearchFilters } from "./search.js";

export interface AskQuestion {
  question: string;
  /** Papers to draw evidence from. */
  k: number;
  /** Tokens the whole (Markdown) answer may take. */
  budget: number;
  mode: SearchMode;
  filters?: SearchFilters;
}

export function askQuestion(index: PaperIndex, request: AskQuestion): Promise<Answer> {
  const { question, k, budget, mode, filters } = request;
  return index.ask({ question, k, budget, mode, filter: searchFilter(filters) });
}

/** What a passage search is given of a sentence to find its passage by its words: enough of them to be unique. */
const FINDING_CHARS = 300;

/**
 * The text each evidence sentence sits in: its paper's abstract, or the PDF passage holding it
 * (found by the sentence's own words, lexically: no embedding); null when it cannot be found.
 */
export async function evidenceContexts(index: PaperIndex, answer: Answer): Promise<(string | null)[]> {
  const abstracts = new Map<string, Promise<string | null>>();
  const abstractOf = (id: string) => {
    let abstract = abstracts.get(id);
    if (!abstract) {
      abstract = index.get(id).then(
        (paper) => paper.abstract,
        (error: unknown) => {
          if (isPapersError(error) && error.code === "UNKNOWN_ID") return null;
          throw error;
        },
      );
      abstracts.set(id, abstract);
    }
    return abstract;
  };
  return Promise.all(
    answer.evidence.map(async (sentence) => {
      if (sentence.page === null) {
        const abstract = await abstractOf(sentence.paper.id);
        return abstract !== null && abstract.includes(sentence.text) ? abstract : null;
      }
      const words = sentence.text.length > FINDING_CHARS ? sentence.text.slice(0, sentence.text.lastIndexOf(" ", FINDING_CHARS) + 1 || FINDING_CHARS) : sentence.text;
      const passages = await index.searchPassages(words, 10, "lexical").catch((error: unknown) => {
        // A "sentence" with no word to search by (figures only) has no passage to show.
        if (isPapersError(error)) return [];
        throw error;
      });
      const passage = passages.find((p) => p.id === sentence.paper.id && p.page === sentence.page && p.text.includes(sentence.text));
      return passage ? passage.text : null;
    }),
  );
}
