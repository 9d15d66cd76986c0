/**
 * Saving likes in a folder index: a new generation that holds the new likes.json and shares every
 * other file with the live one through hard links (the same bytes, so the manifest's checksums
 * still hold), committed as every generation is (generations.ts), under the writer lock.
 *
 * Why a generation rather than a likes file of the folder's own: readers open a generation and
 * never see it change, a crash leaves CURRENT on a complete one, the manifest vouches for every
 * file, and a server notices the new likes as it notices any new generation. Generation files are
 * never written in place (an update copies papers.db and saves a new papers.hnsw), so sharing
 * them is safe, and costs a few small files whatever the index's size.
 */
import { copyFileSync, existsSync, linkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../../errors.js";
import { LIKES_FILE, sameLikes, type SavedLikes } from "../shared/likes.js";
import { REBUILD_HINT, usesCjkBigrams } from "../shared/manifest.js";
import type { LikesUpdate } from "../store.js";
import { checksumFile, checksumProblem } from "./checksums.js";
import { diskError } from "./disk-errors.js";
import { commitGeneration, liveGeneration } from "./generations.js";
import { readLikesFile, writeLikesFile } from "./likes-file.js";
import { withWriterLock } from "./lock.js";
import { DATA_FILES, MANIFEST_FILE, OPTIONAL_FILES, STORE_FILE, isCompleteGeneration, readManifest } from "./manifest-file.js";
import { PaperTable } from "./paper-table.js";
import { recoverLive } from "./update-index.js";

export async function updateFolderLikes(indexDir: string, change: LikesUpdate, options: { wait?: boolean } = {}): Promise<SavedLikes> {
  // Checked before locking, so that a mistyped --index does not create a folder.
  if (!liveGeneration(indexDir, isCompleteGeneration)) throw new PapersError("NO_INDEX", `no index at ${indexDir}: run \`papers index [paths...]\` first`);
  try {
    return await withWriterLock(indexDir, options, () => updateLocked(indexDir, change));
  } catch (error) {
    throw diskError(error, indexDir);
  }
}

async function updateLocked(indexDir: string, change: LikesUpdate): Promise<SavedLikes> {
  const { dir: current } = recoverLive(indexDir);
  if (!current) throw new PapersError("NO_INDEX", `no index at ${indexDir}: run \`papers index [paths...]\` first`);
  // An outdated index (format 2) is upgraded by `papers index` first, as for any write but that.
  const manifest = readManifest(current);
  // Only the likes are read here: the shared files are checked by every reader that opens them.
  const vouched = manifest.files[LIKES_FILE];
  const problem = vouched && checksumProblem(current, LIKES_FILE, vouched);
  if (problem) throw new PapersError("INDEX_DAMAGED", `index at ${current} is damaged (${problem}): ${REBUILD_HINT}`);
  const saved = readLikesFile(current, manifest);
  const table = PaperTable.open(join(current, STORE_FILE), { cjkBigrams: usesCjkBigrams(manifest) });
  let next: SavedLikes;
  try {
    next = await change(saved, async (id) => table.byId(id)?.paper.id);
  } finally {
    table.close();
  }
  if (sameLikes(saved, next)) return saved;
  await commitGeneration(
    indexDir,
    async (dir) => {
      for (const name of [...DATA_FILES, ...OPTIONAL_FILES]) {
        if (name !== LIKES_FILE && existsSync(join(current, name))) share(join(current, name), join(dir, name));
      }
      writeLikesFile(dir, next);
      const files = { ...manifest.files, [LIKES_FILE]: checksumFile(join(dir, LIKES_FILE)) };
      writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...manifest, files }, null, 2) + "\n");
    },
    { verify: verifyLikes },
  );
  return next;
}

/** A hard link to a committed generation's file; a copy where the file system has no links. */
function share(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** The written manifest reads, and vouches for the likes written; the shared files are the live generation's own bytes. */
function verifyLikes(dir: string): void {
  const manifest = readManifest(dir);
  const problem = checksumProblem(dir, LIKES_FILE, manifest.files[LIKES_FILE]!);
  if (problem) throw new PapersError("INDEX_DAMAGED", `the likes just written to ${dir} do not read back (${problem})`);
  readLikesFile(dir, manifest);
}
