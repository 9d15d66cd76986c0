/** Passages of full text that answer a question, each with its paper's id and title. */
import { checkFilter, hasConditions, type PaperFilter } from "../ranking/filter.js";
import type { SearchMode } from "../ranking/modes.js";
import type { GenerationReader } from "../store/store.js";
import { checkK, checkQuestion } from "./check.js";
import { questionRetrievers, rankAsync, type EmbedQuery } from "./rank.js";
import type { PassageHit } from "./types.js";

/** The k passages of full text that best answer a question; none when the index holds no full text. */
export async function searchPassages(reader: GenerationReader, embedQuery: EmbedQuery, question: string, k: number, mode: SearchMode, filter?: PaperFilter): Promise<PassageHit[]> {
  const text = checkQuestion(question);
  checkK(k);
  checkFilter(filter);
  const owners = await reader.passageOwners();
  if (owners.size === 0) return [];
  const scope = { filter: hasConditions(filter) ? filter : undefined, kind: "passages" as const };
  const { dense, lexical } = await questionRetrievers(reader, embedQuery, text, mode, scope);
  const ranked = await rankAsync(mode, k, dense, lexical);
  const found = await Promise.all(
    ranked.map(async ({ label, score }) => {
      const passage = await reader.passage(label);
      const [paper] = passage ? await reader.byLabels([passage.paperLabel]) : [undefined];
      if (!passage || !paper) return [];
      return [{ id: paper.id, title: paper.title, text: passage.text, page: passage.page, lastPage: passage.lastPage, section: passage.section, score }];
    }),
  );
  return found.flat();
}
