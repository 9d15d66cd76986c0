import { existsSync, readFileSync, statSync } from "node:fs";
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

/**
 * Hub downloads are cached per user, not inside node_modules, so reinstalling keeps them.
 * transformers.js (4.3) writes each downloaded file as `<file>.tmp.<pid>.<random>` and renames it
 * into place when complete, so a download that fails partway leaves missing files (fetched again
 * next time), never a short one under the real name.
 */
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

/** Where the provisioning script writes when PAPERS_MODELS is not set. */
export const PROVISIONED_MODELS_DEFAULT = join(homedir(), ".cache", "papers", "models");

/** The command that provisions a model (again) into a models folder. */
export function provisionCommand(spec: ModelSpec, modelsDir: string): string {
  const target = modelsDir === PROVISIONED_MODELS_DEFAULT ? "" : `PAPERS_MODELS=${modelsDir} `;
  return `${target}bash scripts/provision-models.sh ${spec.id} --force`;
}

/**
 * What is wrong with a provisioned model's ONNX file, or null. The provisioning script records
 * each file's size and SHA-256 in provenance.json (written last); the size is compared here
 * because it is free and catches a truncated or half-copied file. Hashing would also catch
 * changed bytes, but costs ~80 ms per load of all-MiniLM-L6-v2 (+15% on a CLI search), so that
 * check is left to `scripts/provision-models.sh --check`. A folder without provenance.json was not
 * provisioned by us: only loading it can tell.
 */
export function damagedModelFile(root: string, spec: ModelSpec, dtype: Dtype): string | null {
  const folder = join(root, spec.id);
  const name = onnxFileName(dtype);
  let expected: number | undefined;
  try {
    const provenance = JSON.parse(readFileSync(join(folder, "provenance.json"), "utf8")) as { onnx?: Record<string, { size?: number }> };
    expected = provenance.onnx?.[name]?.size;
  } catch {
    return null;
  }
  if (typeof expected !== "number") return null;
  const path = join(folder, "onnx", name);
  const size = statSync(path).size;
  return size === expected ? null : `${path} is ${size} bytes, but provisioning wrote ${expected}`;
}
