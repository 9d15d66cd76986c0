import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { onnxFileName, type Dtype, type ModelSpec } from "./models.js";

/** Where to look for model weights. */
export interface ModelLocation {
  /** A folder in transformers.js layout (`<org>/<name>/config.json, onnx/…`): --models or PAPERS_MODELS. */
  modelsDir?: string;
  /** Never touch the network; a model that is not on disk is an error. */
  offline?: boolean;
}

/** Hub downloads are cached per user, not inside node_modules, so reinstalling keeps them. */
export function hubCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "papers", "hub");
}

/** The files transformers.js reads for one model and dtype, relative to the model's folder. */
export function requiredModelFiles(dtype: Dtype): string[] {
  return ["config.json", "tokenizer.json", "tokenizer_config.json", join("onnx", onnxFileName(dtype))];
}

/** The files of a model that a folder lacks (empty when it has them all). */
export function missingModelFiles(root: string, spec: ModelSpec, dtype: Dtype): string[] {
  return requiredModelFiles(dtype).filter((file) => !existsSync(join(root, spec.id, file)));
}

export function provisionHint(spec: ModelSpec): string {
  return (
    `run "bash scripts/provision-models.sh ${spec.id}" (it writes to ~/.cache/papers/models, where papers looks by ` +
    `default), point --models or PAPERS_MODELS at a folder that has it, or drop --offline to download it from the Hugging Face Hub`
  );
}
