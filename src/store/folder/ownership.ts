/**
 * What says a folder is papers' own: a mark in the index folder, written when papers first writes
 * there, and one in every generation folder it makes. papers writes only into a folder it has
 * marked (or one that is empty, or holds only what papers makes: an index from before the mark),
 * and deletes only what its marks or manifests say it made, never by the look of a name.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../../errors.js";

import { GENERATION_MARK, INDEX_MARK } from "../../paths.js";

export { GENERATION_MARK, INDEX_MARK };

/**
 * What a file browser leaves in any folder it shows, and what keeps an empty folder in git (a
 * checkout's `index/` holds only its `.gitignore`): a folder holding only these is empty.
 */
const PLACEHOLDER_FILES = new Set([".DS_Store", "Thumbs.db", "desktop.ini", ".gitignore", ".gitkeep"]);
/** The files papers puts in an index folder: an index from before the mark holds only these, and generations. */
const OWN_FILE = /^(CURRENT|writer\.lock(-journal)?|writer\.pid|checkpoint\.db(-wal|-shm|-journal)?|(CURRENT|writer\.pid)\.\d+\.tmp)$/;

/**
 * Makes sure `indexDir` is a folder papers may write an index into, and marks it: it does not
 * exist yet, is empty, is marked, or holds nothing but what papers makes. A file, or a folder
 * holding anything else, is refused (NOT_AN_INDEX), naming what is there. The caller creates the
 * folder first when it is missing.
 */
export function claimIndexFolder(indexDir: string): void {
  if (!isFolder(indexDir)) throw notAFolder(indexDir);
  const entries = readdirSync(indexDir);
  if (entries.includes(INDEX_MARK)) return;
  const foreign = entries.filter((entry) => !OWN_FILE.test(entry) && !PLACEHOLDER_FILES.has(entry) && !isGenerationFolder(join(indexDir, entry), entry)).sort();
  if (foreign.length > 0) {
    const list = foreign.slice(0, 5).map((entry) => `"${entry}"`).join(", ") + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : "");
    throw new PapersError(
      "NOT_AN_INDEX",
      `${indexDir} is not a papers index and is not empty (it holds ${list}): papers writes an index only into a new or empty folder, so give --index a folder of its own`,
    );
  }
  writeFileSync(join(indexDir, INDEX_MARK), "This folder holds a papers index: papers writes and deletes here.\n");
}

/** The error for an --index that names something other than a folder (a file, say). */
export function notAFolder(indexDir: string): PapersError {
  return new PapersError("NOT_AN_INDEX", `${indexDir} is a file, not a folder: give --index a folder (a new one is created)`);
}

/** Whether the path exists and is not a folder (an --index naming a file). */
export function isNonFolder(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A generation (or its staging folder) papers wrote: named so, and holding its mark or manifest, or staged. */
function isGenerationFolder(path: string, name: string): boolean {
  return /^gen-[^/\\]+$/.test(name) && isFolder(path) && (name.endsWith(".tmp") || existsSync(join(path, GENERATION_MARK)) || existsSync(join(path, "manifest.json")));
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
