/** Indexing papers read from files (or already read): one update of the store, one commit. */
import type { Paper } from "../../corpus/paper.js";
import { readCorpus, type ReadOptions } from "../../corpus/read-corpus.js";
import { DEFAULT_DTYPE, DEFAULT_MODEL } from "../../embed/models.js";
import type { IndexOptions, IndexSummary, ProgressListener } from "../types.js";
import { openStore } from "../../store/open-store.js";
import { embedderLoader } from "../embedder.js";
import type { Embedder } from "../../embed/embedder.js";
import type { IndexStore, StoreModel, UpdateOptions } from "../../store/store.js";
import { currentPhases, phase, Phases, withPhases } from "../../phases.js";

/**
 * Reads papers from files and folders into the index: new papers are added, papers whose text
 * changed are embedded again, the rest are left alone. Nothing is removed.
 */
export async function indexPapers(
  paths: readonly string[],
  options: IndexOptions & ReadOptions,
  onProgress?: ProgressListener,
): Promise<IndexSummary> {
  return withPhases(new Phases(), async () => {
    const corpus = await phase("read", () => readCorpus(paths, { fields: options.fields, stdin: options.stdin }));
    const summary = await indexPaperList(corpus.papers, corpus.files, options, onProgress);
    return { ...summary, skipped: corpus.skipped };
  });
}

/** Indexes papers already read (by a reader of another format, say); see indexPapers. */
export function indexPaperList(
  papers: readonly Paper[],
  files: string[],
  options: IndexOptions,
  onProgress?: ProgressListener,
): Promise<IndexSummary> {
  return updateStore(papers, files, options, onProgress);
}

/**
 * One update of the store the options name, under its writer lock and in one commit: `papers`
 * added or replaced, and the stored papers `removeIf` picks removed (UpdateOptions.removeIf).
 */
export async function updateStore(
  papers: readonly Paper[],
  files: string[],
  options: IndexOptions,
  onProgress?: ProgressListener,
  removeIf?: UpdateOptions["removeIf"],
): Promise<IndexSummary> {
  const started = performance.now();
  // Timed within the caller's run when it times one (indexPapers, which reads the files first).
  const phases = currentPhases() ?? new Phases();
  return withPhases(phases, async () => {
    const store = await openStore(options);
    try {
      const { model, load } = await indexModel(store, options);
      const summary = await store.update(
        papers,
        model,
        load,
        { rebuild: options.rebuild, checkpointEvery: options.checkpointEvery, wait: options.wait, computeMap: options.computeMap, removeIf, onProgress },
      );
      return { ...summary, files, skipped: [], seconds: (performance.now() - started) / 1000, phases: phases.seconds() };
    } finally {
      await store.close();
    }
  });
}

/**
 * The model an update of `store` embeds with: an existing index keeps its own unless the options
 * name another (and then the update needs `rebuild`); else the options', else the default.
 */
export async function indexModel(store: IndexStore, options: IndexOptions): Promise<{ model: StoreModel; load: () => Promise<Embedder> }> {
  const built = options.rebuild ? undefined : await store.builtModel();
  const dtype = options.dtype ?? built?.dtype ?? DEFAULT_DTYPE;
  const loader = embedderLoader(options);
  const spec = await loader.describe(options.model ?? built?.id ?? DEFAULT_MODEL, dtype);
  return { model: { spec, dtype }, load: () => loader.load(spec, dtype) };
}
