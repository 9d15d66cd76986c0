/**
 * A folder generation's likes: `likes.json` beside its data files, vouched for by its manifest
 * (size and SHA-256, as every file of a generation), read when the generation is opened, and
 * carried into every generation written after it (an update, a rebuild, a removal).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LIKES_FILE, NO_LIKES, likesJson, parseLikes, type SavedLikes } from "../shared/likes.js";

/** The likes a generation holds (none when it has no likes file); callers have checked its checksum. */
export function readLikesFile(dir: string): SavedLikes {
  const path = join(dir, LIKES_FILE);
  if (!existsSync(path)) return NO_LIKES;
  return parseLikes(readFileSync(path), dir);
}

export function writeLikesFile(dir: string, likes: SavedLikes): void {
  writeFileSync(join(dir, LIKES_FILE), likesJson(likes));
}

/**
 * Copies the likes of the live generation (`from`) into the one being written. A rebuild (`lenient`)
 * may start from a damaged generation: its likes come along when their file still reads, and are
 * left behind otherwise (a rebuild is how a damaged index is repaired); an update has checked them.
 */
export function carryLikes(from: string | null, to: string, lenient = false): void {
  if (!from || !existsSync(join(from, LIKES_FILE))) return;
  if (lenient) {
    try {
      writeLikesFile(to, readLikesFile(from));
    } catch {
      // Unreadable: the rebuild goes on without them.
    }
    return;
  }
  copyFileSync(join(from, LIKES_FILE), join(to, LIKES_FILE));
}
