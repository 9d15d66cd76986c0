/**
 * An open index: what the front ends ask, each question answered by its operation in src/query/.
 * The class holds what lives as long as the open generation: its reader, the model (loaded on the
 * first question that needs it), and the caches of question vectors, sentences and the topic map.
 */
import type { Paper } from "../corpus/paper.js";
import type { Embedder } from "../embed/embedder.js";
import { QueryEmbeddings } from "../embed/query-embeddings.js";
import type { Manifest } from "../store/shared/manifest.js";
import type { ImageFormat, RenderOptions } from "../map/render.js";
import type { TopicMap } from "../map/topic-map.js";
import type { PaperMap, TopicSummary } from "../map/views.js";
import { ask, askCandidates } from "../query/ask.js";
import { confidence, matchFeatures } from "../query/confidence.js";
import { explain, SentenceCache } from "../query/explain.js";
import { likes } from "../query/likes.js";
import { listPage, lookup } from "../query/lookup.js";
import { Once } from "../query/once.js";
import { feed } from "../query/feed.js";
import { recommend } from "../query/recommend.js";
import { related, relatedRankings, relatedToText } from "../query/related.js";
import { relatedBy } from "../query/related-by.js";
import { refs } from "../query/refs.js";
import { citedBy } from "../query/cited-by.js";
import { loadCitationGraph } from "../query/citation-graph.js";
import type { CitationGraph } from "../citations/graph.js";
import { search, searchRankings } from "../query/search.js";
import { searchPassages } from "../query/search-passages.js";
import { SentenceVectors } from "../query/sentence-vectors.js";
import { TopicMaps } from "../query/topics.js";
import type { Answer, AskRequest, Confidence, Feed, FeedRequest, Likes, PassageHit, RankedId, Recommendations, RecommendRequest, SearchHit } from "../query/types.js";
import type { CitingPapers, PaperReferences, RelatedBy, RelatedHit } from "../query/types.js";
import type { MatchFeatures } from "../ranking/calibration.js";
import type { Explanation } from "../ranking/explain.js";
import { checkFilter, type PaperFilter } from "../ranking/filter.js";
import { DEFAULT_MODE, RELATED_MODE, type SearchMode } from "../ranking/modes.js";
import type { GenerationReader, IndexStore } from "../store/store.js";
import { loadIndexModel } from "./embedder.js";
import type { IndexInfo, PapersOptions } from "./types.js";

export class PaperIndex {
  /**
   * Set when CURRENT was missing or named no generation, and this, the newest complete one, was
   * opened instead: says so, for the front end to pass on. Readers never write: the next
   * `papers index` or `papers remove` points CURRENT at it again.
   */
  readonly recovered: string | null;
  /** Where the index is: its generation's folder, or the database (a URL without its password). */
  readonly location: string;
  /** The generation answering: the folder's name (`gen-…`), or the database's generation. */
  readonly generation: string;
  readonly manifest: Manifest;

  private readonly embedder = new Once<Embedder>();
  /** Cached for repeated questions, and batched when many arrive at once (see QueryEmbeddings). */
  private readonly queries = new QueryEmbeddings(() => this.loadEmbedder());
  private readonly embedQuery = (text: string) => this.queries.embed(text);
  private readonly sentences = new SentenceCache();
  private readonly sentenceVectors = new SentenceVectors(() => this.loadEmbedder());
  private readonly maps: TopicMaps;
  private readonly graph = new Once<CitationGraph>();

  /** @internal Use openIndex. */
  constructor(
    private readonly reader: GenerationReader,
    private readonly store: IndexStore,
    private readonly options: PapersOptions,
    private readonly opened: IndexInfo,
  ) {
    ({ location: this.location, generation: this.generation, manifest: this.manifest, recovered: this.recovered } = reader);
    this.maps = new TopicMaps(reader);
  }

  /** What the index is, as it was when opened (a generation never changes while it is open). */
  info(): IndexInfo {
    return { ...this.opened };
  }

  /**
   * The corpus's topics, largest first: label, size, 3 representative papers. Stored with the
   * generation; an index written before topics existed (or with `computeMap: false`) computes them
   * here (not stored: readers never write) until the next `papers index` stores them.
   */
  topics(): Promise<TopicSummary[]> {
    return this.maps.topics();
  }

  /** Every paper's place on the 2-D map and its topic (see topics()). */
  map(): Promise<PaperMap> {
    return this.maps.map();
  }

  /** Whether topics() and map() answer from the stored map, rather than computing it first. */
  hasStoredTopicMap(): Promise<boolean> {
    return this.maps.hasStored();
  }

  /** The map as a picture (SVG text, or PNG bytes) for papers and slides. */
  mapImage(format: ImageFormat, options: RenderOptions = {}): Promise<string | Buffer> {
    return this.maps.image(format, options);
  }

  /** @internal The stored map, or one computed now (onStep told each step's time, for bench/map.mjs). */
  topicMap(onStep?: (step: string, ms: number) => void): Promise<TopicMap> {
    return this.maps.topicMap(onStep);
  }

  /** A paper by id, arXiv id, `arXiv:` id or arxiv.org link; versions (`v2`) are ignored. */
  async get(id: string): Promise<Paper> {
    return (await lookup(this.reader, id)).paper;
  }

  /** Every paper, in index order; with a filter (a Zotero tag, a category, …), the papers it lets through. */
  list(filter?: PaperFilter): Promise<Paper[]> {
    checkFilter(filter);
    return this.reader.all(filter);
  }

  /**
   * The likes and unlikes saved with the index (`likePapers`, `papers like`), as they were when it
   * was opened: the papers it holds, and apart, saved ones whose paper has left it.
   */
  likes(): Promise<Likes> {
    return likes(this.reader);
  }

  /** One page of `list()`, and how many papers there are in all: for clients that page. */
  listPage(offset: number, limit: number): Promise<{ total: number; papers: Paper[] }> {
    return listPage(this.reader, offset, limit);
  }

  /**
   * The k papers that best answer a question: by meaning (dense), by its words (lexical, BM25),
   * or both fused (hybrid).
   */
  search(question: string, k = 10, mode: SearchMode = DEFAULT_MODE, filter?: PaperFilter): Promise<SearchHit[]> {
    return search(this.reader, this.embedQuery, question, k, mode, filter);
  }

  /** The k passages of full text that best answer a question, each with its paper's id and title. */
  searchPassages(question: string, k = 10, mode: SearchMode = DEFAULT_MODE, filter?: PaperFilter): Promise<PassageHit[]> {
    return searchPassages(this.reader, this.embedQuery, question, k, mode, filter);
  }

  /** Both ranked lists that hybrid search fuses, `depth` deep: for tuning fusion and for inspection. */
  rankings(question: string, depth: number): Promise<{ dense: RankedId[]; lexical: RankedId[] }> {
    return searchRankings(this.reader, this.embedQuery, question, depth);
  }

  /** The k papers closest to one already in the index, itself left out. */
  related(id: string, k = 10, mode: SearchMode = RELATED_MODE): Promise<SearchHit[]> {
    return related(this.reader, id, k, mode);
  }

  /**
   * Related papers found by meaning (as related with dense), by citations (co-citation, coupling,
   * direct citations in the library), or both fused; those found by citations say why.
   */
  async relatedBy(id: string, k = 10, by: RelatedBy = "meaning", mode: SearchMode = RELATED_MODE, weight?: number): Promise<RelatedHit[]> {
    return relatedBy(this.reader, await this.citationGraph(), id, k, by, mode, weight);
  }

  /** A paper's reference list, in order, each with its library paper or its external work's key. */
  async references(id: string): Promise<PaperReferences> {
    return refs(this.reader, await this.citationGraph(), id);
  }

  /** The library papers whose references name this paper. */
  async citedBy(id: string): Promise<CitingPapers> {
    return citedBy(this.reader, await this.citationGraph(), id);
  }

  /** Whether a paper has citation links in the library (a reference list, or a citer). */
  async hasCitations(id: string): Promise<boolean> {
    return (await this.citationGraph()).linked((await this.get(id)).id);
  }

  /** Both ranked lists that related fuses, `depth` deep: for choosing its mode (bench/related-mode.mjs). */
  relatedRankings(id: string, depth: number): Promise<{ dense: RankedId[]; lexical: RankedId[] }> {
    return relatedRankings(this.reader, id, depth);
  }

  /**
   * The k papers closest to a text that is not in the index (a draft abstract): the text is the
   * question, ranked as related ranks a paper's neighbours.
   */
  relatedToText(text: string, k = 10, mode: SearchMode = RELATED_MODE): Promise<SearchHit[]> {
    return relatedToText(this.reader, this.embedQuery, text, k, mode);
  }

  /**
   * Papers like the liked ones (and the text) and unlike the unliked ones, seeds left out: see
   * src/ranking/recommend.ts for the method.
   */
  recommend(request: RecommendRequest): Promise<Recommendations> {
    return recommend(this.reader, this.embedQuery, request);
  }

  /**
   * New papers for the likes: those dated inside the window (since/until, or the `days` newest
   * dates in the index), ranked by recommend over the window alone, liked papers left out; each
   * with the liked paper it is closest to and the words for it. No likes given: the saved ones.
   */
  feed(request: FeedRequest): Promise<Feed> {
    return feed(this.reader, () => this.likes(), request);
  }

  /**
   * Why each paper answers the question: its abstract's sentence closest to the question (the
   * sentences embedded now, for these papers only, and cached), and the question's terms it
   * matched with their share of its BM25 score.
   */
  explain(question: string, papers: readonly Paper[]): Promise<Explanation[]> {
    return explain(this.reader, this.embedQuery, (wanted) => this.sentences.of(wanted, () => this.loadEmbedder()), question, papers);
  }

  /**
   * The sentences that best answer a question, best first, from the top k papers' abstracts and
   * PDF passages, each with its paper, page and section, within a token budget; `confident` false
   * when no paper is a confident match (see src/query/ask.ts).
   */
  ask(request: AskRequest): Promise<Answer> {
    return ask(this.reader, this.embedQuery, (texts) => this.sentenceVectors.of(texts), request);
  }

  /** @internal The top papers and every candidate sentence with its features: for bench/ask-scifact.mjs. */
  askCandidates(request: AskRequest): ReturnType<typeof askCandidates> {
    return askCandidates(this.reader, this.embedQuery, (texts) => this.sentenceVectors.of(texts), request);
  }

  /** The two raw signals the calibration reads, for each paper: its cosine with the question and its share of the BM25 ceiling. */
  matchFeatures(question: string, ids: readonly string[]): Promise<MatchFeatures[]> {
    return matchFeatures(this.reader, this.embedQuery, question, ids);
  }

  /** Calibrated relevance of each paper to the question, and whether any is a confident match. */
  async confidence(question: string, papers: readonly Paper[]): Promise<Confidence> {
    return confidence(await this.matchFeatures(question, papers.map((p) => p.id)));
  }

  /**
   * The name of the store's live generation now (null: none committed), through this index's own
   * connection: how a server notices a newer one than `generation`.
   */
  latestGeneration(): Promise<string | null> {
    return this.store.liveGeneration();
  }

  /** Named data kept with the open generation (see GenerationReader.artifact), or null. */
  artifact(name: string): Promise<Buffer | null> {
    return this.reader.artifact(name);
  }

  async close(): Promise<void> {
    await this.reader.close();
    await this.store.close();
    await (await this.embedder.current?.catch(() => undefined))?.dispose();
  }

  private citationGraph(): Promise<CitationGraph> {
    return this.graph.get(() => loadCitationGraph(this.reader));
  }

  /** Loaded on first use; a failed load (missing model) does not stick: the next question tries again. */
  private loadEmbedder(): Promise<Embedder> {
    return this.embedder.get(() => loadIndexModel(this.options, this.manifest, this.store.location));
  }
}
