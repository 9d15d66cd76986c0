/**
 * Saved likes and unlikes, as every store keeps them with its index: paper ids, in the order they
 * were liked (a folder generation's `likes.json`, a database's likes table). A paper is liked,
 * unliked or neither, never both; a like of a paper removed from the index stays (it may come back).
 */
import { PapersError } from "../../errors.js";
import { REBUILD_HINT } from "./manifest.js";

export interface SavedLikes {
  liked: string[];
  unliked: string[];
}

/** What one call changes: papers to like, to unlike, and to forget (neither), by their index ids. */
export interface LikeChange {
  like?: readonly string[];
  unlike?: readonly string[];
  clear?: readonly string[];
}

/** Where a folder generation keeps its likes: a file the manifest vouches for, as for the topic map. */
export const LIKES_FILE = "likes.json";
const LIKES_VERSION = 1;

export const NO_LIKES: SavedLikes = { liked: [], unliked: [] };

/**
 * The likes after a change: a liked paper is no longer unliked and the other way round; a paper
 * already on its side keeps its place; a cleared one is on neither. Ids compare case-insensitively.
 */
export function applyLikeChange(saved: SavedLikes, change: LikeChange): SavedLikes {
  const key = (id: string) => id.toLowerCase();
  const liked = new Map(saved.liked.map((id) => [key(id), id]));
  const unliked = new Map(saved.unliked.map((id) => [key(id), id]));
  for (const id of change.clear ?? []) {
    liked.delete(key(id));
    unliked.delete(key(id));
  }
  for (const id of change.like ?? []) {
    unliked.delete(key(id));
    if (!liked.has(key(id))) liked.set(key(id), id);
  }
  for (const id of change.unlike ?? []) {
    liked.delete(key(id));
    if (!unliked.has(key(id))) unliked.set(key(id), id);
  }
  return { liked: [...liked.values()], unliked: [...unliked.values()] };
}

export function sameLikes(a: SavedLikes, b: SavedLikes): boolean {
  return a.liked.join("\n") === b.liked.join("\n") && a.unliked.join("\n") === b.unliked.join("\n");
}

/** The likes as a folder generation's file holds them. */
export function likesJson(likes: SavedLikes): string {
  return JSON.stringify({ version: LIKES_VERSION, liked: likes.liked, unliked: likes.unliked }, null, 1) + "\n";
}

/** A stored likes file (`where` names it in errors), checked before it is used. */
export function parseLikes(data: Buffer | string, where: string): SavedLikes {
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    throw damaged(where, "unreadable");
  }
  const v = value as { version?: unknown; liked?: unknown; unliked?: unknown };
  if (typeof value !== "object" || value === null) throw damaged(where, "not an object");
  if (v.version !== LIKES_VERSION) throw damaged(where, `version ${String(v.version)}, this papers reads ${LIKES_VERSION}`);
  const ids = (list: unknown) => Array.isArray(list) && list.every((id) => typeof id === "string" && id.length > 0);
  if (!ids(v.liked) || !ids(v.unliked)) throw damaged(where, "liked and unliked must be lists of ids");
  return { liked: v.liked as string[], unliked: v.unliked as string[] };
}

function damaged(where: string, problem: string): PapersError {
  return new PapersError("INDEX_DAMAGED", `index at ${where} is damaged (${LIKES_FILE}: ${problem}): ${REBUILD_HINT} (the likes it held are then lost)`);
}
