/** The likes saved with a generation, split into the papers it holds and the ones it no longer does. */
import type { GenerationReader } from "../store/store.js";
import type { Likes } from "./types.js";

export async function likes(reader: GenerationReader): Promise<Likes> {
  const saved = await reader.likes();
  const ids = [...saved.liked, ...saved.unliked];
  const labels = await reader.labelsOf(ids);
  const present = new Set(ids.filter((_, i) => labels[i] !== undefined));
  return {
    liked: saved.liked.filter((id) => present.has(id)),
    unliked: saved.unliked.filter((id) => present.has(id)),
    missing: [...saved.liked.map((id) => ({ id, liked: true })), ...saved.unliked.map((id) => ({ id, liked: false }))].filter(({ id }) => !present.has(id)),
  };
}
