import type { IndexSummary, PapersOptions, ProgressListener } from "../types.js";
import { openStore } from "../../store/open-store.js";
import { transferIndex } from "../../store/transfer.js";

/**
 * Copies the index the `from` options name into the store the `to` options name (a folder into
 * PostgreSQL, or back), vectors included: nothing is embedded again. The target is updated as by
 * `papers index` (only what differs is written; `rebuild` replaces what it holds).
 */
export async function copyIndex(
  from: PapersOptions,
  to: PapersOptions,
  options: { rebuild?: boolean; wait?: boolean; computeMap?: boolean } = {},
  onProgress?: ProgressListener,
): Promise<IndexSummary> {
  const started = performance.now();
  const source = await openStore(from);
  try {
    const target = await openStore(to);
    try {
      const summary = await transferIndex(source, target, { ...options, onProgress });
      return { ...summary, files: [source.location], skipped: [], seconds: (performance.now() - started) / 1000, filesUnchanged: 0, filesHashed: 0, filesRead: 0, pruned: 0, prunable: 0 };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
