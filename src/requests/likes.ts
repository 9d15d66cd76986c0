/**
 * The likes requests, for every front end: the saved likes with their papers, and saving a change
 * (`papers like`, POST /api/likes) through the library, one commit under the writer lock.
 */
import { changeLikes, isPapersError, PapersError, type LikeChange, type Paper, type PaperIndex, type SavedLikes } from "../papers.js";
import type { IndexSource } from "./live-index.js";

/** The saved likes as papers of the index, and apart the ones whose paper has left it. */
export interface LikedPapers {
  liked: Paper[];
  unliked: Paper[];
  missing: { id: string; liked: boolean }[];
}

/** The likes saved with the open index, or (`saved`) likes just written, as papers of the index. */
export async function likedPapers(index: PaperIndex, saved?: SavedLikes): Promise<LikedPapers> {
  if (!saved) {
    const likes = await index.likes();
    const missing = (liked: boolean) => likes.missing.filter((m) => m.liked === liked).map((m) => m.id);
    saved = { liked: [...likes.liked, ...missing(true)], unliked: [...likes.unliked, ...missing(false)] };
  }
  const paperOf = async (id: string): Promise<Paper | undefined> => {
    try {
      return await index.get(id);
    } catch (error) {
      if (isPapersError(error) && error.code === "UNKNOWN_ID") return undefined;
      throw error;
    }
  };
  const liked = await Promise.all(saved.liked.map(paperOf));
  const unliked = await Promise.all(saved.unliked.map(paperOf));
  return {
    liked: liked.filter((p): p is Paper => !!p),
    unliked: unliked.filter((p): p is Paper => !!p),
    missing: [...saved.liked.filter((_, i) => !liked[i]).map((id) => ({ id, liked: true })), ...saved.unliked.filter((_, i) => !unliked[i]).map((id) => ({ id, liked: false }))],
  };
}

/**
 * Saves a change to the likes of the index a server answers from, without waiting for a writer
 * that holds the index (INDEX_BUSY at once), then serves the new generation; answers the likes now
 * saved. `hide` turns a message naming the server's paths into one for a network client.
 */
export async function saveLikes(source: IndexSource, change: LikeChange, hide: (message: string) => string = (m) => m): Promise<LikedPapers> {
  if (!source.options) {
    throw new PapersError("METHOD_NOT_ALLOWED", "this server answers from an index it does not write: save likes with `papers like` where the index is");
  }
  const options = source.options;
  // This server's own writes go one after another (two quick clicks are no conflict); another
  // process holding the index is one: INDEX_BUSY at once.
  const previous = writing.get(source) ?? Promise.resolve();
  const write = previous.then(async () => {
    try {
      return (await changeLikes(change, { ...options, wait: false })).saved;
    } catch (error) {
      if (!isPapersError(error)) throw error;
      if (error.code === "INDEX_BUSY") throw new PapersError("INDEX_BUSY", "the index is being written by another process (an indexing run, say): try again when it is done");
      throw new PapersError(error.code, hide(error.message));
    } finally {
      await source.refresh?.();
    }
  });
  const settled = write.then(() => {}, () => {});
  writing.set(source, settled);
  void settled.then(() => writing.get(source) === settled && writing.delete(source));
  const saved = await write;
  return source.use((index) => likedPapers(index, saved));
}

/** The last write of likes each source has under way (see saveLikes). */
const writing = new WeakMap<IndexSource, Promise<void>>();
