/**
 * A folder generation's likes: `likes.json` beside its data files, vouched for by its manifest
 * (size and SHA-256, as every file of a generation), read when the generation is opened, and
 * carried into every generation written after it (an update, a rebuild, a removal).
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LIKES_FILE, NO_LIKES, likesJson, parseLikes, type SavedLikes } from "../shared/likes.js";
import type { Manifest } from "../shared/manifest.js";
import { readManifest } from "./manifest-file.js";

/**
 * The likes a generation holds: none unless its manifest vouches for a likes file (callers have
 * checked the checksum: verifyGeneration).
 */
export function readLikesFile(dir: string, manifest: Pick<Manifest, "files">): SavedLikes {
  if (!manifest.files[LIKES_FILE]) return NO_LIKES;
  return parseLikes(readFileSync(join(dir, LIKES_FILE)), dir);
}

export function writeLikesFile(dir: string, likes: SavedLikes): void {
  writeFileSync(join(dir, LIKES_FILE), likesJson(likes));
}

/**
 * Copies the likes of the live generation (`from`, whose manifest an update or a removal has read
 * and verified) into the one being written. A rebuild (no manifest given) may start from a damaged
 * generation: its likes come along when their file still reads, and are left behind otherwise (a
 * rebuild is how a damaged index is repaired).
 */
export function carryLikes(from: string | null, to: string, manifest: Pick<Manifest, "files"> | null): void {
  if (!from || !existsSync(join(from, LIKES_FILE))) return;
  if (manifest) {
    if (manifest.files[LIKES_FILE]) copyFileSync(join(from, LIKES_FILE), join(to, LIKES_FILE));
    return;
  }
  try {
    const likes = readLikesFile(from, readManifestOrVouch(from));
    if (likes.liked.length + likes.unliked.length > 0) writeLikesFile(to, likes);
  } catch {
    // Unreadable: the rebuild goes on without them.
  }
}

/** A damaged generation's manifest, or (unreadable) one that vouches for its likes file as it is. */
function readManifestOrVouch(dir: string): Pick<Manifest, "files"> {
  try {
    return readManifest(dir, { upgradable: true });
  } catch {
    return { files: { [LIKES_FILE]: { size: 0, sha256: "" } } };
  }
}
