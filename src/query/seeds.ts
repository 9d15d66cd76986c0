/** The liked and unliked papers recommend and feed start from, checked and looked up. */
import { documentText } from "../corpus/paper.js";
import { PapersError } from "../errors.js";
import { LIMITS } from "../limits.js";
import type { Seed } from "../ranking/recommend.js";
import type { GenerationReader } from "../store/store.js";
import { lookup } from "./lookup.js";

/** A seed with its paper's id and title, for explanations. */
export interface PaperSeed extends Seed {
  label: number;
  id: string;
  title: string | null;
}

/** At most LIMITS.maxSeeds likes and as many unlikes, each a paper of the index, none on both sides. */
export async function paperSeeds(reader: GenerationReader, likeIds: readonly string[], unlikeIds: readonly string[]): Promise<{ likes: PaperSeed[]; unlikes: PaperSeed[] }> {
  const { maxSeeds } = LIMITS;
  if (likeIds.length > maxSeeds || unlikeIds.length > maxSeeds) throw new PapersError("BAD_OPTION", `at most ${maxSeeds} likes and ${maxSeeds} unlikes`);
  const seedOf = async (id: string): Promise<PaperSeed> => {
    const { label, paper } = await lookup(reader, id);
    return { label, id: paper.id, title: paper.title, vector: await reader.vector(label), text: documentText(paper) };
  };
  const likes = await Promise.all(likeIds.map(seedOf));
  const unlikes = await Promise.all(unlikeIds.map(seedOf));
  const both = likes.find((like) => unlikes.some((u) => u.label === like.label));
  if (both) throw new PapersError("BAD_OPTION", `paper "${both.id}" is both liked and unliked: keep it on one side`);
  return { likes, unlikes };
}
