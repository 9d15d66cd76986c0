/** Papers by id, and the index a page at a time. */
import type { Paper } from "../corpus/paper.js";
import { PapersError } from "../errors.js";
import type { GenerationReader } from "../store/store.js";
import { checkCount } from "./check.js";

/** A paper and its label by id, arXiv id, `arXiv:` id or arxiv.org link; versions (`v2`) are ignored. */
export async function lookup(reader: GenerationReader, id: string): Promise<{ label: number; paper: Paper }> {
  const wanted = id.trim();
  const bare = wanted.replace(/^https?:\/\/arxiv\.org\/(abs|pdf)\//i, "").replace(/^arxiv:/i, "");
  const found = (await reader.byId(wanted)) ?? (await reader.byId(bare)) ?? (await reader.byId(bare.replace(/v\d+$/, "")));
  if (!found) {
    throw new PapersError("UNKNOWN_ID", `no paper with id "${wanted}" in the index: \`papers list\` shows the ids`);
  }
  return found;
}

/** One page of the papers in index order, and how many there are in all. */
export async function listPage(reader: GenerationReader, offset: number, limit: number): Promise<{ total: number; papers: Paper[] }> {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new PapersError("BAD_OPTION", `offset must be a whole number of at least 0, not ${offset}`);
  }
  checkCount("limit", limit);
  return { total: await reader.count(), papers: await reader.page(offset, limit) };
}
