import { existsSync } from "node:fs";
import { PapersError } from "../../errors.js";
import { openIndex } from "../open-index.js";
import type { PaperIndex } from "../paper-index.js";
import type { PapersOptions, ProgressListener } from "../types.js";
import { indexPapers } from "./index-papers.js";
import { isStoreEmpty, storeLocation } from "./store-facts.js";

/**
 * Opens the index, first building it from `corpusPaths` when the folder holds no generation at
 * all and `options.buildIfMissing` allows it (the default location only); otherwise as openIndex.
 */
export async function openOrBuildIndex(
  options: PapersOptions,
  corpusPaths: readonly string[],
  onProgress?: ProgressListener,
): Promise<PaperIndex> {
  // Any generation on disk, even a damaged one, is someone's index: it is opened (or refused), never replaced.
  const empty = options.buildIfMissing && (await isStoreEmpty(options));
  if (empty) {
    if (!corpusPaths.some((p) => existsSync(p))) {
      throw new PapersError(
        "NO_INDEX",
        `no index at ${storeLocation(options)} and no papers at ${corpusPaths.join(", ")} to build one from: run \`papers index PATH...\``,
      );
    }
    // Two first searches at once: the second waits for the first's build instead of failing.
    await indexPapers(corpusPaths, { ...options, wait: true }, onProgress);
  }
  return openIndex(options);
}
