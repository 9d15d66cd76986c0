/** The embedding model: how an indexing run and an open index get theirs. */
import type { Embedder, EmbedderLoader } from "../embed/embedder.js";
import { specDifferences } from "../embed/models.js";
import { transformersLoader } from "../embed/transformers-embedder.js";
import { PapersError } from "../errors.js";
import type { Manifest } from "../store/shared/manifest.js";
import type { PapersOptions } from "./types.js";

/** The options' own loader, else transformers.js, looked up as `modelsDir` and `offline` say. */
export function embedderLoader(options: PapersOptions): EmbedderLoader {
  return options.embedder ?? transformersLoader(options);
}

/** The index's model, refused if its files now embed differently from when the index was built. */
export async function loadIndexModel(options: PapersOptions, manifest: Manifest, location: string): Promise<Embedder> {
  const loader = embedderLoader(options);
  const dtype = options.dtype ?? manifest.model.dtype;
  const spec = await loader.describe(manifest.model.id, dtype);
  const differences = specDifferences(manifest.model, spec);
  if (differences.length > 0) {
    throw new PapersError(
      "MODEL_MISMATCH",
      `index at ${location} was built with ${manifest.model.id} embedding differently from its files now (${differences.join("; ")}): rebuild it with \`papers index --rebuild [paths...]\``,
    );
  }
  return loader.load(spec, dtype);
}
