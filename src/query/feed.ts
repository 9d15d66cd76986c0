/**
 * A feed: the papers dated inside a window of days, ranked for the likes by recommend restricted
 * to the window (src/ranking/recommend.ts, RecommendScope.within), liked papers never among them;
 * each with the liked paper it is closest to and the recommendation's words it has.
 */
import { documentText } from "../corpus/paper.js";
import { PapersError } from "../errors.js";
import { LIMITS } from "../limits.js";
import { dayBound, dayRange, type PaperFilter } from "../ranking/filter.js";
import { DOCUMENT_WEIGHTS } from "../ranking/modes.js";
import { recommend as recommendFrom, wordsFor } from "../ranking/recommend.js";
import type { GenerationReader } from "../store/store.js";
import { checkK } from "./check.js";
import { hits } from "./hits.js";
import { paperSeeds, type PaperSeed } from "./seeds.js";
import type { Feed, FeedItem, FeedRequest, NearestLike } from "./types.js";

/** The saved likes (PaperIndex.likes()). */
export type ReadLikes = () => Promise<{ liked: string[]; unliked: string[] }>;

export async function feed(reader: GenerationReader, savedLikes: ReadLikes, request: FeedRequest): Promise<Feed> {
  const k = request.k ?? LIMITS.recommendDefault;
  checkK(k);
  const { like, unlike, saved } = await likesOf(savedLikes, request);
  const window = await feedWindow(reader, request);
  const { likes, unlikes } = await paperSeeds(reader, like, unlike);
  const within: PaperFilter = { since: window.since ?? undefined, until: window.until ?? undefined };
  const result = await reader.withRecommendSource((source) => recommendFrom(source, likes, unlikes, k, DOCUMENT_WEIGHTS, { within }));
  const found = await hits(reader, result.ranked);
  const vectors = await reader.vectors(result.ranked.map((r) => r.label));
  const items: FeedItem[] = found.map((hit, i) => ({ ...hit, nearest: nearestLike(vectors[i]!, likes), words: wordsFor(documentText(hit), result.weights) }));
  return { ...window, like: likes.map((s) => s.id), unlike: unlikes.map((s) => s.id), saved, method: result.method, why: result.why, candidates: result.candidates, items };
}

/** The window asked: since/until as given, or the `days` newest dates that have papers. */
export async function feedWindow(reader: GenerationReader, request: FeedRequest): Promise<{ since: string | null; until: string | null }> {
  if (request.days !== undefined) {
    const { days } = request;
    if (request.since !== undefined) throw new PapersError("BAD_OPTION", "give --since or --days, not both");
    if (!Number.isInteger(days) || days < 1 || days > LIMITS.maxFeedDays) {
      throw new PapersError("BAD_OPTION", `days must be a whole number from 1 to ${LIMITS.maxFeedDays}, not ${days}`);
    }
    const until = request.until === undefined ? undefined : dayBound(request.until, "until");
    const dates = await reader.newestDates(days, until);
    if (dates.length === 0) throw new PapersError("BAD_OPTION", `no paper in the index has a date${until ? ` up to ${until}` : ""}: index papers with dates (\`papers fetch arxiv\`), or give --since`);
    return { since: dates[dates.length - 1]!, until: until ?? dates[0]! };
  }
  if (request.since === undefined && request.until === undefined) {
    throw new PapersError("BAD_OPTION", "say which papers are new: --days N (the N newest days in the index) or --since DATE");
  }
  const [since, until] = dayRange({ since: request.since, until: request.until })!;
  return { since, until };
}

/**
 * The likes and unlikes asked, or the saved ones (those of papers in this generation): `like`
 * given replaces the saved likes (and their unlikes, unless `unlike` is given too); past
 * LIMITS.maxSeeds only the last saved are used.
 */
async function likesOf(savedLikes: ReadLikes, request: FeedRequest) {
  const noLikes = () => new PapersError("NO_LIKES", "no liked papers to make a feed for: `papers like ID` first (or give --like ID)");
  if (request.like !== undefined) {
    if (request.like.length === 0) throw noLikes();
    return { like: request.like, unlike: request.unlike ?? [], saved: false };
  }
  const stored = await savedLikes();
  const like = stored.liked.slice(-LIMITS.maxSeeds);
  if (like.length === 0) throw noLikes();
  const unlike = (request.unlike ?? stored.unliked.slice(-LIMITS.maxSeeds)).filter((id) => !like.includes(id));
  return { like, unlike, saved: true };
}

/** The liked paper closest to a vector (unit vectors: the dot product is the cosine). */
function nearestLike(vector: Float32Array, likes: readonly PaperSeed[]): NearestLike {
  let best: NearestLike = { id: "", title: null, cosine: -Infinity };
  for (const like of likes) {
    let dot = 0;
    for (let i = 0; i < vector.length; i++) dot += vector[i]! * like.vector[i]!;
    if (dot > best.cosine) best = { id: like.id, title: like.title, cosine: Math.round(dot * 1e4) / 1e4 };
  }
  return best;
}
