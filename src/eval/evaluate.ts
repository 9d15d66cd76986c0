import { basename, join, resolve } from "node:path";
import { DEFAULT_DTYPE, DEFAULT_MODE, DEFAULT_MODEL, indexPaperList, openIndex, paperListFingerprint, type PapersOptions, type ProgressListener, type SearchMode } from "../papers.js";
import { cacheDir as papersCacheDir } from "../paths.js";
import { readBeir } from "./beir.js";
import { scoreRuns, type RetrievalScores } from "./metrics.js";

export interface EvalOptions extends Omit<PapersOptions, "indexDir"> {
  split?: string;
  mode?: SearchMode;
  /** Where built benchmark indexes are kept for the next run. */
  cacheDir?: string;
}

export interface EvalReport extends RetrievalScores {
  mode: SearchMode;
  model: string;
  dtype: string;
  split: string;
  /** Seconds spent answering the queries (not indexing). */
  seconds: number;
  queries_per_second: number;
  /** Seconds spent building the index; 0 when a cached one was used. */
  index_seconds: number;
}

/**
 * Indexes a BEIR dataset (once per corpus, model and dtype; cached) and scores every judged
 * query of a split: nDCG@10, Recall@100, MRR@10.
 */
export async function evaluate(dir: string, options: EvalOptions, onProgress?: ProgressListener): Promise<EvalReport> {
  const split = options.split ?? "test";
  const mode = options.mode ?? DEFAULT_MODE;
  const model = options.model ?? DEFAULT_MODEL;
  const dtype = options.dtype ?? DEFAULT_DTYPE;
  const data = readBeir(dir, split);
  const cacheDir = options.cacheDir ?? join(papersCacheDir(), "eval");
  const slug = `${basename(resolve(dir))}-${paperListFingerprint(data.papers)}-${model.replace(/[^\w.-]+/g, "--")}-${dtype}`;
  const papersOptions: PapersOptions = { ...options, model, dtype, indexDir: join(cacheDir, slug) };

  // Embeds nothing when the cached index is current, and upgrades one of an older format.
  const built = await indexPaperList(data.papers, [dir], papersOptions, onProgress);
  const indexSeconds = built.embedded > 0 ? built.seconds : 0;
  const index = await openIndex(papersOptions);
  try {
    const runs = new Map<string, string[]>();
    const started = performance.now();
    for (const [id, text] of data.queries) {
      runs.set(id, (await index.search(text, 100, mode)).map((hit) => hit.id));
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      ...scoreRuns(runs, data.qrels),
      mode,
      model: built.manifest.model.id,
      dtype,
      split,
      seconds,
      queries_per_second: data.queries.size / seconds,
      index_seconds: indexSeconds,
    };
  } finally {
    await index.close();
  }
}
