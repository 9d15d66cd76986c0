import { contentHash, type Paper } from "../../corpus/paper.js";
import type { PapersOptions } from "../types.js";
import { redactUrl } from "../../store/postgres/connection.js";
import { corpusFingerprint } from "../../store/shared/manifest.js";
import { isPostgresUrl, openStore } from "../../store/open-store.js";

/** Changes whenever a paper is added, removed or its text changes: the same as an index's fingerprint. */
export function paperListFingerprint(papers: readonly Paper[]): string {
  return corpusFingerprint(papers.map((p) => [p.id, contentHash(p)] as const));
}

/** Where the options' index is, for messages: the folder, or the database without its password. */
export function storeLocation(options: PapersOptions): string {
  return options.store && isPostgresUrl(options.store) ? redactUrl(options.store) : (options.store ?? options.indexDir);
}

/** Whether nothing at all is where the options' index goes, not even a damaged generation. */
export async function isStoreEmpty(options: PapersOptions): Promise<boolean> {
  const store = await openStore(options);
  try {
    return await store.isEmpty();
  } finally {
    await store.close();
  }
}
