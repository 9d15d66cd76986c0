import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDtype } from "./embed/models.js";
import type { PapersOptions } from "./papers.js";

/** The package's own folder: both `src/` and `dist/` sit one level below it. */
export const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DEFAULT_INDEX_DIR = join(PACKAGE_ROOT, "index");
export const DEFAULT_CORPUS_DIR = join(PACKAGE_ROOT, "seeds");
/** Where scripts/provision-models.sh puts models; used when it exists and nothing else is named. */
export const PROVISIONED_MODELS_DIR = join(homedir(), ".cache", "papers", "models");

/** Options as a front end receives them: flags first, then environment variables, then defaults. */
export interface FrontEndOptions {
  index?: string;
  models?: string;
  offline?: boolean;
  model?: string;
  dtype?: string;
}

export function resolveOptions(flags: FrontEndOptions, env: NodeJS.ProcessEnv = process.env): PapersOptions {
  const modelsDir =
    flags.models ?? (env.PAPERS_MODELS || (existsSync(PROVISIONED_MODELS_DIR) ? PROVISIONED_MODELS_DIR : undefined));
  return {
    indexDir: resolve(flags.index ?? (env.PAPERS_INDEX || DEFAULT_INDEX_DIR)),
    modelsDir: modelsDir && resolve(modelsDir),
    offline: flags.offline || ["1", "true", "yes"].includes((env.PAPERS_OFFLINE ?? "").toLowerCase()),
    model: flags.model,
    dtype: flags.dtype === undefined ? undefined : parseDtype(flags.dtype),
  };
}
