/** Opening an index for reading: its store, the live generation, and what it is. */
import { modelId } from "../embed/locate.js";
import { PapersError } from "../errors.js";
import { openStore } from "../store/open-store.js";
import type { GenerationReader } from "../store/store.js";
import { PaperIndex } from "./paper-index.js";
import type { IndexInfo, PapersOptions } from "./types.js";

/** Opens the index; the model is loaded only when a question needs embedding. */
export async function openIndex(options: PapersOptions): Promise<PaperIndex> {
  const store = await openStore(options);
  let generation: GenerationReader | undefined;
  try {
    generation = await store.open((manifest) => {
      if (!options.model) return;
      const wanted = modelId(options.model);
      if (wanted.toLowerCase() !== manifest.model.id.toLowerCase()) {
        throw new PapersError(
          "MODEL_MISMATCH",
          `index at ${store.location} was built with ${manifest.model.id}, not ${wanted}: query without --model, or rebuild with \`papers index --rebuild --model ${wanted}\``,
        );
      }
    });
    const { manifest } = generation;
    const info: IndexInfo = {
      model: manifest.model.id,
      dtype: manifest.model.dtype,
      dimension: manifest.model.dimension,
      count: manifest.count,
      passages: (await generation.passageOwners()).size,
      builtAt: manifest.builtAt,
      fingerprint: manifest.fingerprint,
      indexPath: generation.location,
      sizeBytes: await generation.sizeBytes(),
      advice: await generation.advice(),
    };
    return new PaperIndex(generation, store, options, info);
  } catch (error) {
    await generation?.close();
    await store.close();
    throw error;
  }
}
