/**
 * Likes that last: papers liked and unliked, saved with the index (a folder generation's
 * likes.json, a database's likes table), each call one commit under the writer lock. An id is
 * resolved as `show` resolves it (arXiv ids, `arXiv:` ids, arxiv.org links, versions) to the
 * paper's id; a saved like whose paper has left the index is still found by its id. An unknown id
 * writes nothing.
 */
import { PapersError } from "../../errors.js";
import { findBy, unknownId } from "../../query/lookup.js";
import { applyLikeChange, type LikeChange, type SavedLikes } from "../../store/shared/likes.js";
import { openStore } from "../../store/open-store.js";
import { openIndex } from "../open-index.js";
import { PaperIndex } from "../paper-index.js";
import type { PapersOptions } from "../types.js";

export type { LikeChange, SavedLikes };

export interface LikesOptions extends PapersOptions {
  /** Wait for another writer of the index to finish instead of failing with INDEX_BUSY. */
  wait?: boolean;
}

export interface LikesSummary {
  /** The papers named, by their ids in the index, in the order given (like, unlike, clear). */
  ids: string[];
  /** How many of them changed side (a paper liked again is not a change). */
  changed: number;
  /** The likes and unlikes now saved, as saved (papers that left the index included). */
  saved: SavedLikes;
}

/** Likes papers (an unlike of theirs is taken back), in one commit. */
export async function likePapers(ids: readonly string[], options: LikesOptions): Promise<LikesSummary> {
  return changeLikes({ like: needIds(ids) }, options);
}

/** Unlikes papers (a like of theirs is taken back), in one commit. */
export async function unlikePapers(ids: readonly string[], options: LikesOptions): Promise<LikesSummary> {
  return changeLikes({ unlike: needIds(ids) }, options);
}

/** Forgets papers' likes and unlikes: they are neither, in one commit. */
export async function clearLikes(ids: readonly string[], options: LikesOptions): Promise<LikesSummary> {
  return changeLikes({ clear: needIds(ids) }, options);
}

/** Likes, unlikes and clears in one commit (POST /api/likes); a paper in two of the lists is refused. */
export async function changeLikes(change: LikeChange, options: LikesOptions): Promise<LikesSummary> {
  const named = [...(change.like ?? []), ...(change.unlike ?? []), ...(change.clear ?? [])];
  if (named.length === 0) throw new PapersError("BAD_OPTION", "name at least one paper to like, unlike or clear");
  const store = await openStore(options);
  let ids: string[] = [];
  let before: SavedLikes | undefined;
  try {
    const saved = await store.updateLikes(async (current, find) => {
      before = current;
      const resolve = async (list: readonly string[] = []) => Promise.all(list.map((id) => resolveId(id, current, find)));
      const resolved = { like: await resolve(change.like), unlike: await resolve(change.unlike), clear: await resolve(change.clear) };
      ids = [...resolved.like, ...resolved.unlike, ...resolved.clear];
      const twice = ids.find((id, i) => ids.findIndex((other) => other.toLowerCase() === id.toLowerCase()) !== i);
      if (twice) throw new PapersError("BAD_OPTION", `paper "${twice}" is named twice (liked, unliked or cleared): name it once; nothing was saved`);
      return applyLikeChange(current, resolved);
    }, { wait: options.wait });
    return { ids, changed: changedSides(before!, saved, ids), saved };
  } finally {
    await store.close();
  }
}

/**
 * The index's papers of Zotero items with this tag, and of items in this collection (or one of its
 * subcollections): likes for `feed --like-tag` and `--like-collection`. Read from the index (Zotero
 * tags and collections are kept with its papers), never from Zotero; an open index is used as it is.
 */
export async function likesFromZotero(which: { tag?: string; collection?: string }, source: PapersOptions | PaperIndex): Promise<string[]> {
  const { tag, collection } = which;
  if (tag === undefined && collection === undefined) throw new PapersError("BAD_OPTION", "name a Zotero tag or collection whose papers are the likes");
  const index = source instanceof PaperIndex ? source : await openIndex(source);
  try {
    const ids = new Set<string>();
    // Either gives likes: a tag's papers and a collection's, together.
    if (tag !== undefined) for (const paper of await index.list({ tag })) ids.add(paper.id);
    if (collection !== undefined) for (const paper of await index.list({ collection })) ids.add(paper.id);
    if (ids.size === 0) {
      const named = [tag !== undefined && `Zotero tag "${tag}"`, collection !== undefined && `Zotero collection "${collection}"`].filter(Boolean).join(" or ");
      throw new PapersError("BAD_OPTION", `no paper in the index has the ${named}: index the library with \`papers index --zotero\`, or check the name (\`papers search --tag\` and \`--collection\` take the same)`);
    }
    return [...ids];
  } finally {
    if (index !== source) await index.close();
  }
}

function needIds(ids: readonly string[]): readonly string[] {
  if (ids.length === 0) throw new PapersError("BAD_OPTION", "name at least one paper");
  return ids;
}

/** The paper's id in the index, else a saved like's or unlike's (its paper gone), else UNKNOWN_ID. */
async function resolveId(id: string, saved: SavedLikes, find: (id: string) => Promise<string | undefined>): Promise<string> {
  const all = new Map([...saved.liked, ...saved.unliked].map((s) => [s.toLowerCase(), s]));
  const found = (await findBy(find, id)) ?? (await findBy(async (candidate) => all.get(candidate.toLowerCase()), id));
  if (!found) throw new PapersError("UNKNOWN_ID", `${unknownId(id).message}; nothing was saved`);
  return found;
}

function changedSides(before: SavedLikes, after: SavedLikes, ids: readonly string[]): number {
  const side = (likes: SavedLikes, id: string) => {
    const key = id.toLowerCase();
    return likes.liked.some((s) => s.toLowerCase() === key) ? 1 : likes.unliked.some((s) => s.toLowerCase() === key) ? -1 : 0;
  };
  return ids.filter((id) => side(before, id) !== side(after, id)).length;
}
