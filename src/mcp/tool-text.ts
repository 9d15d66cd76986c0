/**
 * What each MCP tool tells an agent: its title and when to call it. Kept apart from the handlers
 * (src/mcp/server.ts) so that the words can be read, and edited, in one place.
 */
import { LIMITS } from "../limits.js";

export const TOOL_TEXT = {
  evidence: {
    title: "Evidence for a question",
    description:
      `Call this first for any question about the literature ("ways to reduce decode latency", "does X improve Y?"): it answers with the sentences that answer the question, best first, each quoted verbatim from a paper's abstract (or from its PDF, with the page and section), numbered [1], [2], … and cited to its paper (title, year, authors, arXiv or DOI link, BibTeX key), the whole answer within budget tokens (default ${LIMITS.askDefaultBudget}). Quote these sentences and cite them by number; do not claim more than they say. confident: false means no paper is a confident match: say the index does not answer it. k is how many of the best papers the sentences are drawn from (default ${LIMITS.askDefaultK}). Narrow with year, since/until, category or author as in search. Then use \`search\` for a list of papers, \`show\` for a paper's whole abstract.`,
  },
  search: {
    title: "Search papers",
    description:
      "Find the papers that best answer a question or match a topic, best first, each with a score and a snippet of its abstract to quote (or, for a paper indexed from its PDF, the passage of its full text that matched, with its page). relevance (0-1) is comparable across questions; confident: false means no paper answers well. Use it to find and list the papers on a question or topic (\"contrastive learning for sentence embeddings\"); for the sentences that answer a question, call `evidence` first. mode: hybrid (default, meaning and words fused), dense (meaning only: paraphrases, broad topics), lexical (exact words: names, acronyms, rare terms). Narrow with year (2024, 2020..2023, 2021.., ..2019), since/until (days, 2024-03-18; papers without a date are left out), category (cs.CL) or author (part of a name). Then use `show` for a paper's full abstract, `related` for more like it.",
  },
  related: {
    title: "Related papers",
    description:
      "Find papers close to a given one (pass its `id`, as search, list or show give it) or to a passage of text (pass `text`: a draft abstract, a paragraph, a claim), best first. Use it to widen a literature search from a paper you found, or to find prior work for text you are writing. Give exactly one of id and text. mode: dense by default (a whole abstract or passage matches best by meaning), or hybrid, lexical.",
  },
  recommend: {
    title: "Recommend papers",
    description:
      "Find papers like several you already have: pass the ids of papers you like (as search, related or list give them), optionally ids you do not like, and/or a text (a draft abstract or paragraph you are writing). Use it instead of related when you have more than one seed paper, or when the user said which results were good and which were not. Seeds are left out of the answer. method: centroid (likes/text only) or classifier (trained on likes against unlikes); why lists the words that weigh most for and against.",
  },
  feed: {
    title: "New papers for the user",
    description:
      "The newest papers in the index ranked for what the user likes: those dated inside a window (days: the n newest listing days in the index; or since/until, YYYY-MM-DD), ranked like recommend, liked papers left out. Likes are the user's saved ones (`papers like`) unless like is given. Each result says which liked paper it is closest to (nearest, with the cosine) and the recommendation's words it has. Use it for \"what is new for me\" or \"anything new this week\".",
  },
  export: {
    title: "Export citations",
    description:
      `Citations for papers, as one document in a reference format: bibtex (default), ris, csl-json, csv, markdown, json or jsonl. Pass the ids of the papers to cite (up to ${LIMITS.maxExport}, in the order given), or a question to export its top k search results. Use it when the user wants a bibliography, a .bib entry or a reading list to import into a reference manager; the answer is the document's text.`,
  },
  show: {
    title: "Show a paper",
    description:
      "One paper in full: title, authors, year, categories, arXiv and DOI links, and the whole abstract. Use it after search or related, to read or quote a paper before citing it. id: the paper's id, an arXiv id (2301.01234, with or without a version) or an arxiv.org link.",
  },
  list: {
    title: "List papers",
    description:
      "Page through the papers in the index, in index order (id, title, authors, year, links; no abstracts). Use it to see what the index holds; to find papers on a subject use search instead. total says how many there are; pass nextOffset as offset for the next page (null on the last).",
  },
  info: {
    title: "Index information",
    description:
      "What the index is: how many papers (and passages of PDF full text), the embedding model, when it was built, where it is and its size. Use it to tell whether the index can answer at all (count) or to report where answers come from.",
  },
} as const;
