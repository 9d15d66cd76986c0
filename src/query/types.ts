/** What the query operations answer (re-exported by src/papers.ts). */
import type { CitationEvidence } from "../citations/graph.js";
import type { Paper } from "../corpus/paper.js";
import type { Reference } from "../corpus/references/reference.js";
import type { Scored } from "../ranking/fusion.js";
import type { WeightedWord } from "../ranking/recommend.js";

export interface SearchHit extends Paper {
  /**
   * How well the paper answers, higher first, on its mode's scale (compare scores within one
   * answer only): dense, the cosine similarity between the question and the paper (or its best
   * passage), in [-1, 1]; lexical, its BM25 score, 0 or more; hybrid, the weighted sum of the two
   * lists' min-max normalised scores, in [0, 1]. Related and a text as the question score the
   * same way with the document as the question; recommend, a fused score in [0, 1] (closeness to
   * the likes with their words, or a classifier's probability with closeness to the likes).
   */
  score: number;
  /** The passage of the paper's full text that matched best, when it beat the abstract. */
  passage?: HitPassage;
}

/** Where in a paper's full text a hit was found. */
export interface HitPassage {
  text: string;
  /** 1-based page the passage starts on. */
  page: number;
  /** Its section heading, as printed ("4.2 Results"), or null. */
  section: string | null;
}

/** A passage found by `searchPassages`, with the paper it belongs to. */
export interface PassageHit extends HitPassage {
  /** The page the passage ends on. */
  lastPage: number;
  id: string;
  title: string | null;
  score: number;
}

/** A paper's place in one retriever's ranking. */
export interface RankedId extends Scored {
  id: string;
}

/** What `recommend` is asked: papers liked and not liked (ids), and a text (a draft), at least one like or a text. */
export interface RecommendRequest {
  like?: readonly string[];
  unlike?: readonly string[];
  text?: string;
  k?: number;
  /** Score every paper instead of the candidates retrieval brings (slow: for measuring what the pool misses). */
  exhaustive?: boolean;
}

export interface Recommendations {
  hits: SearchHit[];
  /** "centroid": closeness to the likes (likes or text only); "classifier": a model trained on likes against unlikes. */
  method: "centroid" | "classifier";
  /** The words that weigh most for and against; with a classifier, the share of its weight on the embedding. */
  why: { words: WeightedWord[]; against: WeightedWord[]; embeddingShare?: number };
  /** Papers the method scored. */
  candidates: number;
}

/** How sure the index is that papers answer a question (see src/ranking/calibration.ts). */
export interface Confidence {
  /** Each paper's calibrated relevance, 0–1, comparable across questions. */
  relevance: number[];
  /** Whether the best of them reaches the threshold; false is "no confident match". */
  confident: boolean;
  threshold: number;
}

/**
 * The likes and unlikes saved with an index (`papers like`, `papers unlike`), in the order they
 * were saved: the papers of this generation by their ids (what recommend and feed take as seeds),
 * and apart, the saved ones whose paper is not in it (removed; kept, as it may come back).
 */
export interface Likes {
  liked: string[];
  unliked: string[];
  missing: { id: string; liked: boolean }[];
}

/**
 * What `feed` is asked: the window of dates (inclusive ISO days, or the `days` newest listing days
 * in the index), and the likes and unlikes (none given: the saved ones).
 */
export interface FeedRequest {
  since?: string;
  until?: string;
  /** The N newest dates that have papers in the index (days without papers do not count), ending at the newest. */
  days?: number;
  like?: string[];
  unlike?: string[];
  k?: number;
}

/** The liked paper a feed item is closest to. */
export interface NearestLike {
  id: string;
  title: string | null;
  /** Cosine between the two papers' embeddings. */
  cosine: number;
}

/** One paper of a feed and why it is there. */
export interface FeedItem extends SearchHit {
  nearest: NearestLike;
  /** The recommendation's weighted words that this paper has, heaviest first. */
  words: WeightedWord[];
}

/** New papers for the likes: those dated inside the window, ranked by recommend. */
export interface Feed {
  /** The window, inclusive ISO days; null on a side left open. */
  since: string | null;
  until: string | null;
  /** The likes and unlikes used (ids as in the index), and whether they were the saved ones. */
  like: string[];
  unlike: string[];
  saved: boolean;
  method: "centroid" | "classifier";
  why: Recommendations["why"];
  candidates: number;
  items: FeedItem[];
}

/** What `ask` is asked (issue 26): a question, how many papers to draw evidence from, a token budget. */
export interface AskRequest {
  question: string;
  /** Papers the evidence is drawn from (default 5). */
  k?: number;
  /** The most tokens the whole answer may take (evidence sentences and references). */
  budget?: number;
  mode?: import("../ranking/modes.js").SearchMode;
  filter?: import("../ranking/filter.js").PaperFilter;
}

/** One sentence that answers the question, with where it came from. */
export interface EvidenceSentence {
  /** 1-based number, as cited: `[1]`. */
  id: number;
  text: string;
  /** Higher first; compare within one answer only. */
  score: number;
  /** The PDF page the sentence is on, or null when it came from the abstract. */
  page: number | null;
  section: string | null;
  paper: EvidencePaper;
}

/** The paper an evidence sentence came from, as an answer cites it. */
export interface EvidencePaper {
  id: string;
  title: string | null;
  year: number | null;
  authors: string[];
  /** An arXiv or DOI link, or null. */
  url: string | null;
  /** The BibTeX key the Markdown answer's references use. */
  key: string;
}

/** `ask`'s answer: `{question, confident, evidence, references}`, as `--format json` prints it. */
export interface Answer {
  question: string;
  /** Whether anything is confidently relevant (calibrated relevance); false: the evidence is a best guess, or empty. */
  confident: boolean;
  evidence: EvidenceSentence[];
  /** The papers cited, each once, in order of first citation. */
  references: EvidencePaper[];
}

/** How related work is found: by meaning (dense similarity), by citations (co-citation, coupling), or both fused. */
export type RelatedBy = "meaning" | "citations" | "both";

/** One entry of a paper's reference list, with the library paper it names or its external work's key. */
export interface ReferenceEntry {
  /** 1-based place in the list. */
  position: number;
  reference: Reference;
  /** The library paper it names, or null. */
  paper: Paper | null;
  /** For a work not in the library: its key (`doi:…`, `arxiv:…`, `title:…`), or null when the reference gives none. */
  key: string | null;
}

/** A paper's reference list; `reason` says why it is empty (never read, or none found). */
export interface PaperReferences {
  paper: Paper;
  references: ReferenceEntry[];
  reason: string | null;
}

/** Library papers whose references name a paper; `reason` says why there are none. */
export interface CitingPapers {
  paper: Paper;
  citedBy: Paper[];
  reason: string | null;
}

/** A related paper found (or also found) by citations: why, in figures and in words. */
export interface RelatedHit extends SearchHit {
  citations?: CitationEvidence & { text: string };
}
