/** The MCP tools' input and output schemas (zod), their limits read from the one limits table. */
import { z } from "zod";
import { DEFAULT_MODE, DEFAULT_RELATED_BY, EXPORT_FORMATS, RELATED_BYS, SEARCH_MODES } from "../papers.js";
import { LIMITS } from "../limits.js";

/**
 * The tools' input and output schemas. Types, enums and unknown arguments are checked by the SDK
 * against these; value ranges are checked by the tools, so that they come back with a papers
 * error code (BAD_OPTION, EMPTY_QUERY) like every other papers error. `.meta` still states the
 * ranges in the JSON Schema a client sees.
 */
export function toolSchemas() {
  const k = z
    .number()
    .int()
    .meta({ minimum: 1, maximum: LIMITS.maxResults })
    .default(LIMITS.defaultResults)
    .describe(`how many papers to return, 1 to ${LIMITS.maxResults}`);
  const mode = z.enum(SEARCH_MODES);
  const id = z.string().meta({ minLength: 1, maxLength: LIMITS.maxIdLength }).describe("a paper id, arXiv id (2301.01234) or arxiv.org link");
  const summary = {
    id: z.string(),
    title: z.string().nullable(),
    authors: z.array(z.string()),
    year: z.number().int().nullable(),
    date: z.string().nullable().describe("the day it came out, YYYY-MM-DD (arXiv: its first version); null when only the year is known"),
    categories: z.array(z.string()),
    arxivId: z.string().nullable(),
    doi: z.string().nullable(),
    arxivUrl: z.string().nullable().describe("https://arxiv.org/abs/ID"),
    doiUrl: z.string().nullable().describe("https://doi.org/DOI"),
    uri: z.string().describe("the paper as an MCP resource: papers://paper/{id}"),
  };
  const hit = z.object({
    ...summary,
    score: z.number().describe("higher is closer; cosine similarity in dense mode, BM25 in lexical, fused in hybrid"),
    snippet: z.string().describe("about 300 characters of the abstract (or of the passage, when there is one), from the sentence that best matches"),
    passage: z
      .object({ text: z.string(), page: z.number().int().describe("1-based page it starts on"), section: z.string().nullable() })
      .nullable()
      .describe("for a paper indexed from its PDF: the passage of its full text that matched best, when it beat the abstract"),
  });
  const ids = (what: string, max: number) =>
    z.array(z.string().meta({ minLength: 1, maxLength: LIMITS.maxIdLength })).meta({ maxItems: max }).describe(`${what}: paper ids or arXiv ids, at most ${max}`);
  const weighted = z.array(z.object({ word: z.string(), weight: z.number() }));
  /** The filters search and evidence take. */
  const filters = {
    year: z.string().optional().describe("only papers from these years: 2024, 2020..2023, 2021.. or ..2019"),
    since: z.string().meta({ maxLength: 10 }).optional().describe("only papers dated on or after this day: 2024-03-18 (a month, 2024-03, or a year, 2024, from its first day)"),
    until: z.string().meta({ maxLength: 10 }).optional().describe("only papers dated on or before this day: 2024-03-18 (a month or a year up to its last day)"),
    category: z.string().optional().describe("only papers with this category, e.g. cs.CL"),
    author: z.string().optional().describe("only papers with an author whose name contains this"),
    tag: z.string().optional().describe("only papers with this Zotero tag"),
    collection: z.string().optional().describe("only papers in this Zotero collection (or its subcollections)"),
  };
  const evidencePaper = z.object({
    id: z.string(),
    title: z.string().nullable(),
    year: z.number().int().nullable(),
    authors: z.array(z.string()),
    url: z.string().nullable().describe("the arXiv or DOI link, to cite"),
    key: z.string().describe("the BibTeX key the Markdown answer cites it by"),
  });
  return {
    search: z.strictObject({
      question: z.string().meta({ minLength: 1, maxLength: LIMITS.maxQuestion }).describe("what you are looking for, in words"),
      k,
      mode: mode.default(DEFAULT_MODE).describe("hybrid (default), dense (meaning) or lexical (BM25 words)"),
      ...filters,
    }),
    evidence: z.strictObject({
      question: z.string().meta({ minLength: 1, maxLength: LIMITS.maxQuestion }).describe("the question to answer, in words"),
      k: z
        .number()
        .int()
        .meta({ minimum: 1, maximum: LIMITS.maxAskK })
        .default(LIMITS.askDefaultK)
        .describe(`how many of the best papers to draw sentences from, 1 to ${LIMITS.maxAskK}`),
      budget: z
        .number()
        .int()
        .meta({ minimum: LIMITS.minAskBudget, maximum: LIMITS.maxAskBudget })
        .default(LIMITS.askDefaultBudget)
        .describe(`the most tokens the whole answer may take (its text), ${LIMITS.minAskBudget} to ${LIMITS.maxAskBudget}`),
      mode: mode.default(DEFAULT_MODE).describe("how the papers are found: hybrid (default), dense (meaning) or lexical (BM25 words)"),
      ...filters,
    }),
    evidenceOutput: z.object({
      question: z.string(),
      confident: z.boolean().describe("whether any paper is a confident match; false: the sentences are the closest found, not an answer"),
      evidence: z.array(
        z.object({
          id: z.number().int().describe("the sentence's number, as cited: [1]"),
          text: z.string().describe("the sentence, verbatim from the paper"),
          score: z.number().describe("higher is better; compare within one answer only"),
          page: z.number().int().nullable().describe("the PDF page it is on; null when it is from the abstract"),
          section: z.string().nullable(),
          paper: evidencePaper,
        }),
      ),
      references: z.array(evidencePaper).describe("the papers cited, each once, in order of first citation"),
    }),
    searchOutput: z.object({
      question: z.string(),
      mode,
      confident: z.boolean().describe("whether the best result's relevance reaches the threshold; false: no confident match"),
      threshold: z.number(),
      results: z.array(hit.extend({ relevance: z.number().describe("calibrated relevance to the question, 0-1, comparable across questions") })),
    }),
    recommend: z.strictObject({
      like: ids("papers you want more like", LIMITS.maxSeeds).optional(),
      unlike: ids("papers you want fewer like", LIMITS.maxSeeds).optional(),
      text: z.string().meta({ minLength: 1, maxLength: LIMITS.maxText }).optional().describe("a draft or passage to find papers for, with or instead of likes"),
      k,
    }),
    recommendOutput: z.object({
      method: z.enum(["centroid", "classifier"]),
      candidates: z.number().int().describe("papers the method scored"),
      why: z.object({
        words: weighted.describe("the words that weigh most for a paper"),
        against: weighted.describe("the words that weigh most against (with unlikes)"),
        embeddingShare: z.number().optional().describe("with a classifier: the share of its weight on meaning rather than words"),
      }),
      results: z.array(hit),
    }),
    feed: z.strictObject({
      since: z.string().meta({ maxLength: 10 }).optional().describe("papers dated on or after this day, YYYY-MM-DD"),
      until: z.string().meta({ maxLength: 10 }).optional().describe("papers dated on or before this day, YYYY-MM-DD"),
      days: z.number().int().meta({ minimum: 1, maximum: LIMITS.maxFeedDays }).optional().describe("instead of since: the n newest listing days in the index, ending at its newest paper's date"),
      like: ids("papers the user likes, instead of the saved likes", LIMITS.maxSeeds).optional(),
      unlike: ids("papers the user does not want more of", LIMITS.maxSeeds).optional(),
      k: k.default(LIMITS.recommendDefault),
    }),
    feedOutput: z.object({
      since: z.string().nullable(),
      until: z.string().nullable(),
      like: z.array(z.string()).describe("the liked papers used"),
      unlike: z.array(z.string()),
      saved: z.boolean().describe("whether those were the saved likes"),
      method: z.enum(["centroid", "classifier"]),
      candidates: z.number().int(),
      why: z.object({ words: weighted, against: weighted, embeddingShare: z.number().optional() }),
      results: z.array(
        hit.extend({
          date: z.string().nullable().describe("the paper's date, YYYY-MM-DD"),
          nearest: z.object({ id: z.string(), title: z.string().nullable(), cosine: z.number() }).describe("the liked paper it is closest to"),
          words: weighted.describe("the recommendation's words this paper has"),
        }),
      ),
    }),
    export: z.strictObject({
      ids: ids("the papers to export, in this order", LIMITS.maxExport).optional(),
      question: z.string().meta({ minLength: 1, maxLength: LIMITS.maxQuestion }).optional().describe("export this question's search results instead of ids"),
      k: k.describe(`with question: how many results, 1 to ${LIMITS.maxResults}`),
      mode: mode.default(DEFAULT_MODE).describe("with question: hybrid (default), dense or lexical"),
      format: z.string().meta({ enum: [...EXPORT_FORMATS] }).default("bibtex").describe(`one of ${EXPORT_FORMATS.join(", ")}`),
    }),
    related: z.strictObject({
      id: id.optional(),
      text: z.string().meta({ minLength: 1, maxLength: LIMITS.maxText }).optional().describe("a passage to find papers close to, instead of an id"),
      k,
      mode: mode.optional().describe("default: dense"),
      by: z.enum(RELATED_BYS).optional().describe(`with id: meaning, citations (co-citation and coupling in the library) or both; default ${DEFAULT_RELATED_BY}`),
    }),
    relatedOutput: z.object({
      paper: z.object(summary).nullable().describe("the paper given by id, or null for text"),
      text: z.string().nullable(),
      mode,
      by: z.enum(RELATED_BYS),
      results: z.array(hit.extend({ citations: z.string().optional().describe("the citation evidence: \"cited together by 3 of your papers\", \"both cite X and Y\"") })),
    }),
    show: z.strictObject({ id }),
    showOutput: z.object({
      ...summary,
      abstract: z.string(),
      journalRef: z.string().nullable(),
      comments: z.array(z.string()),
      sources: z.array(z.object({ file: z.string(), line: z.number() })).optional().describe("the files and lines the paper was read from (left out over the network unless the server shows paths)"),
    }),
    list: z.strictObject({
      offset: z.number().int().meta({ minimum: 0 }).default(0).describe("papers to skip"),
      limit: z.number().int().meta({ minimum: 1, maximum: LIMITS.maxResults }).default(LIMITS.listDefault).describe(`papers per page, 1 to ${LIMITS.maxResults}`),
    }),
    listOutput: z.object({
      total: z.number().int(),
      offset: z.number().int(),
      limit: z.number().int(),
      nextOffset: z.number().int().nullable(),
      papers: z.array(z.object(summary)),
    }),
    info: z.strictObject({}),
    infoOutput: z.object({
      model: z.string(),
      dtype: z.string(),
      dimension: z.number().int(),
      count: z.number().int(),
      passages: z.number().int().describe("passages of full text (from PDFs) besides the abstracts"),
      builtAt: z.string(),
      fingerprint: z.string(),
      indexPath: z.string().optional().describe("where the index is (left out over the network unless the server shows paths)"),
      sizeBytes: z.number(),
      advice: z.array(z.string()).describe("what the store's server could change for speed (PostgreSQL's shared_buffers); empty when nothing"),
    }),
  };
}
