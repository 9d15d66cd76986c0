/**
 * The library API: everything the CLI and the server do goes through these functions. What an
 * open index answers is in src/library/paper-index.ts (each query in its own src/query/ module).
 */
export { openIndex } from "./library/open-index.js";
export { PaperIndex } from "./library/paper-index.js";
export type { PapersOptions, IndexInfo, IndexOptions, IndexPapersOptions, IndexSummary, ProgressListener } from "./library/types.js";
export type { SearchHit, HitPassage, PassageHit, RankedId, RecommendRequest, Recommendations, Confidence, Likes, Feed, FeedItem, FeedRequest, NearestLike } from "./query/types.js";
export type { AskRequest, Answer, EvidenceSentence, EvidencePaper } from "./query/types.js";
export { ANSWER_FORMATS, formatAnswer, parseAnswerFormat, type AnswerFormat } from "./export/answer.js";
export { generateAnswer, answerPrompt, type GenerateOptions, type GeneratedAnswer } from "./generate/generate.js";
export { chatCompletionsUrl } from "./generate/chat.js";
export { checkCitations, CitationStream, UNSUPPORTED_MARK, type CitationCheck, type CheckedSentence } from "./generate/citations.js";
export { LIMITS } from "./limits.js";
export type { Paper, Source } from "./corpus/paper.js";
export { PAPER_FIELDS, paperJson } from "./corpus/paper.js";
export type { Manifest } from "./store/shared/manifest.js";
export { DEFAULT_DTYPE, DEFAULT_MODEL } from "./embed/models.js";
export { SEARCH_MODES, DEFAULT_MODE, RELATED_MODE, parseMode, type SearchMode } from "./ranking/modes.js";
export { dayBound, parseYearRange, type PaperFilter } from "./ranking/filter.js";
export { PapersError, isPapersError, type ErrorCode } from "./errors.js";
export { parseFieldOptions, formatSkipped, type Skipped } from "./corpus/read-corpus.js";
export { DEFAULT_ZOTERO_DIR } from "./corpus/zotero.js";
export { isIgnoredFileName } from "./corpus/inputs.js";

export { snippet, SNIPPET_CHARS } from "./ranking/snippet.js";
export type { Embedder, EmbedderLoader } from "./embed/embedder.js";
export { EXPORT_FORMATS, EXPORT_CONTENT_TYPES, exportPapers, parseExportFormat, type ExportFormat } from "./export/formats.js";
export type { ExportItem } from "./export/exportable.js";
export { FEED_FORMATS, FEED_CONTENT_TYPES, formatFeed, parseFeedFormat, type FeedFormat } from "./export/feed.js";
export { FEED_PAGE_CSP } from "./export/feed-html.js";
export type { ModelSpec, Dtype } from "./embed/models.js";
export type { PaperMap, TopicSummary } from "./map/views.js";
export { imageFormatOf, type ImageFormat } from "./map/render.js";
export { RECOMPUTE_SHARE } from "./map/topic-map.js";
export type { WeightedWord } from "./ranking/recommend.js";
export type { Explanation, MatchedTerm } from "./ranking/explain.js";
export type { MatchFeatures } from "./ranking/calibration.js";
export { isPostgresUrl } from "./store/open-store.js";
export { indexPapers, indexPaperList } from "./library/indexing/index-papers.js";
export { indexZotero, type ZoteroSummary } from "./library/indexing/index-zotero.js";
export { removePapers } from "./library/indexing/remove-papers.js";
export { copyIndex } from "./library/indexing/copy-index.js";
export {
  likePapers,
  unlikePapers,
  clearLikes,
  changeLikes,
  likesFromZotero,
  type LikeChange,
  type LikesOptions,
  type LikesSummary,
  type SavedLikes,
} from "./library/indexing/likes.js";
export { ARXIV_API_ENDPOINT, ARXIV_OAI_ENDPOINT, DEFAULT_DELAY_MS } from "./arxiv/index.js";
export { fetchArxiv, fromArxiv, harvestStateName, type FetchArxivOptions, type FetchArxivSummary, type FetchProgress, type FetchedSet } from "./library/indexing/fetch-arxiv.js";
export { embedderLoader } from "./library/embedder.js";
export { borrowedEmbedder } from "./embed/embedder.js";
export { openOrBuildIndex } from "./library/indexing/open-or-build.js";
export { paperListFingerprint, storeLocation } from "./library/indexing/store-facts.js";

export type { RelatedBy, RelatedHit, ReferenceEntry, PaperReferences, CitingPapers } from "./query/types.js";
export type { Reference } from "./corpus/references/reference.js";
export type { CitationEvidence } from "./citations/graph.js";
export { RELATED_BYS, CITATION_WEIGHT, DEFAULT_RELATED_BY, parseRelatedBy } from "./citations/related-fusion.js";
export { referencePaper } from "./export/reference-paper.js";
