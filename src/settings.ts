import { resolve } from "node:path";
import { parseDtype } from "./embed/models.js";
import type { PapersOptions } from "./papers.js";
import { SEEDS_DIR, defaultIndexDir } from "./paths.js";

/** The papers a first search indexes when there is no index yet: the seeds shipped with papers. */
export const DEFAULT_CORPUS_DIR = SEEDS_DIR;

/** Options as a front end receives them: flags first, then environment variables, then defaults. */
export interface FrontEndOptions {
  index?: string;
  /** A PostgreSQL connection string (or a folder) holding the index instead of --index. */
  store?: string;
  models?: string;
  offline?: boolean;
  model?: string;
  dtype?: string;
}

export function resolveOptions(flags: FrontEndOptions, env: NodeJS.ProcessEnv = process.env): PapersOptions {
  const modelsDir = flags.models ?? (env.PAPERS_MODELS || undefined);
  const named = flags.index ?? (env.PAPERS_INDEX || undefined);
  const store = flags.store ?? (env.PAPERS_STORE || undefined);
  return {
    indexDir: resolve(named ?? defaultIndexDir(env)),
    ...(store !== undefined && { store }),
    // The seeds are built into the default folder only: a folder or database the user named and that holds no index is a mistake.
    buildIfMissing: named === undefined && store === undefined,
    modelsDir: modelsDir && resolve(modelsDir),
    offline: flags.offline || ["1", "true", "yes"].includes((env.PAPERS_OFFLINE ?? "").toLowerCase()),
    model: flags.model,
    dtype: flags.dtype === undefined ? undefined : parseDtype(flags.dtype),
  };
}
