/**
 * The JSON of the HTTP API (src/server/app.ts), as far as the pages read it. The browser code
 * cannot import the server's types (they live in Node code), so this says what the pages rely on.
 */

/** Every error answer: `{ error: { code, message } }`. */
interface ApiError {
  error?: { code?: string; message?: string };
}

/** A paper as paperJson writes it (src/corpus/paper.ts). */
interface ApiPaper {
  id: string;
  title: string | null;
  abstract: string;
  arxivId: string | null;
  doi: string | null;
  year: number | null;
  /** "YYYY-MM-DD", or null when only the year is known. */
  date?: string | null;
}

/** A question's term, and the paper's words that matched it (src/ranking/explain.ts). */
interface ApiMatchedTerm {
  term: string;
  words: string[];
  share: number;
}

interface ApiHit extends ApiPaper {
  score: number;
  /** A question's hits: the calibrated relevance, comparable across questions. */
  relevance?: number;
  /** With explain=true: the sentence closest to the question and the terms that matched. */
  explain?: { sentence: string; terms: ApiMatchedTerm[] };
  /** A related hit found (also) by citations: its evidence, in words and figures. */
  citations?: { text: string };
  /** A hit found by a passage of its full text: where it is. */
  passage?: { text: string; page: number; section: string | null };
}

interface ApiHits {
  results: ApiHit[];
}

interface ApiSearch extends ApiHits {
  confident?: boolean;
}

interface ApiRelated extends ApiHits {
  paper: ApiPaper;
}

interface ApiRecommend extends ApiHits {
  method: string;
  why: { words: { word: string }[]; against: { word: string }[] };
}

/** `/api/likes` (GET, and POST's answer): the likes saved with the index (src/requests/likes.ts). */
interface ApiLikes {
  liked: { id: string; title: string | null }[];
  unliked: { id: string; title: string | null }[];
  /** Saved ones whose paper has left the index. */
  missing: { id: string; liked: boolean }[];
}

/** One paper of `/api/feed` and why it is there: the liked paper it is nearest to, and the words (src/requests/feed.ts). */
interface ApiFeedItem extends ApiHit {
  nearest: { id: string; title: string | null; cosine: number };
  words: { word: string; weight: number }[];
}

/** `/api/feed`: the papers dated inside the window (inclusive days), ranked for the saved likes. */
interface ApiFeed {
  since: string | null;
  until: string | null;
  like: string[];
  unlike: string[];
  method: string;
  why: { words: { word: string }[]; against: { word: string }[] };
  results: ApiFeedItem[];
}

interface ApiInfo {
  count: number;
  model: string;
}

/** `/api/map`: every paper's place and topic, as aligned lists (src/map/views.ts). */
interface ApiMap {
  ids: string[];
  x: number[];
  y: number[];
  topic: number[];
}

interface ApiTopic {
  id: number;
  label: string;
  size: number;
  x: number;
  y: number;
  representatives: { id: string; title: string | null }[];
}

/** A paper an evidence sentence is cited to (src/query/types.ts EvidencePaper). */
interface ApiEvidencePaper {
  id: string;
  title: string | null;
  year: number | null;
  authors: string[];
  url: string | null;
  key: string;
}

/** One sentence of `/api/ask`, with (context=true) the abstract or passage it stands in. */
interface ApiEvidence {
  id: number;
  text: string;
  score: number;
  page: number | null;
  section: string | null;
  paper: ApiEvidencePaper;
  context?: string | null;
}

/** `/api/ask`: the sentences that answer a question (src/requests/answers.ts askAnswerJson). */
interface ApiAnswer {
  question: string;
  confident: boolean;
  evidence: ApiEvidence[];
  references: ApiEvidencePaper[];
}
