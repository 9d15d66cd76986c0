import type { PapersOptions } from "../types.js";
import type { Manifest } from "../../store/shared/manifest.js";
import { openStore } from "../../store/open-store.js";
import { forgetPapers } from "./file-stamps.js";

/** Removes papers from the index by id (compacting the vector graph when worthwhile). */
export async function removePapers(
  ids: readonly string[],
  options: PapersOptions & { wait?: boolean },
): Promise<{ removed: number; manifest: Manifest; recovered: string | null }> {
  const store = await openStore(options);
  try {
    // What the index remembers of the files and items these papers came from goes with them.
    return await store.remove(ids, { wait: options.wait, state: (previous) => forgetPapers(ids, previous) });
  } finally {
    await store.close();
  }
}
