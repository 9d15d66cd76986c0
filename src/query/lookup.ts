/** Papers by id, and the index a page at a time. */
import type { Paper } from "../corpus/paper.js";
import { PapersError } from "../errors.js";
import type { GenerationReader } from "../store/store.js";
import { checkCount } from "./check.js";

/** A paper and its label by id, arXiv id, `arXiv:` id or arxiv.org link; versions (`v2`) are ignored. */
export async function lookup(reader: GenerationReader, id: string): Promise<{ label: number; paper: Paper }> {
  const found = await findBy((candidate) => reader.byId(candidate), id);
  if (!found) throw unknownId(id);
  return found;
}

/**
 * What `find` gives for the first of the ids a paper may be named by that it knows: the id as
 * given, then without an arxiv.org link's or `arXiv:` prefix, then without a version (`v2`).
 */
export async function findBy<T>(find: (id: string) => Promise<T | undefined>, id: string): Promise<T | undefined> {
  const wanted = id.trim();
  const bare = wanted.replace(/^https?:\/\/arxiv\.org\/(abs|pdf)\//i, "").replace(/^arxiv:/i, "");
  return (await find(wanted)) ?? (await find(bare)) ?? (await find(bare.replace(/v\d+$/, "")));
}

export function unknownId(id: string): PapersError {
  return new PapersError("UNKNOWN_ID", `no paper with id "${id.trim()}" in the index: \`papers list\` shows the ids`);
}

/** One page of the papers in index order, and how many there are in all. */
export async function listPage(reader: GenerationReader, offset: number, limit: number): Promise<{ total: number; papers: Paper[] }> {
  if (!Number.isInteger(offset) || offset < 0) {
    throw new PapersError("BAD_OPTION", `offset must be a whole number of at least 0, not ${offset}`);
  }
  checkCount("limit", limit);
  return { total: await reader.count(), papers: await reader.page(offset, limit) };
}
