import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { PapersError } from "../errors.js";
import { SHIPPED_MODELS_DIR, cacheDir, userModelsDir } from "../paths.js";
import { knownModel, onnxFileName, unknownModel, type Dtype } from "./models.js";

/** Where to look for model weights. */
export interface ModelLocation {
  /** A folder in transformers.js layout (`<org>/<name>/config.json, onnx/…`): --models or PAPERS_MODELS. */
  modelsDir?: string;
  /** Never touch the network; a model that is not on disk is an error. */
  offline?: boolean;
}

/** A model found on disk, or to be fetched from the Hub. */
export type FoundModel = { id: string; folder: string } | { id: string; folder: null };

/** Hub downloads are cached per user (XDG), not inside node_modules, so reinstalling keeps them. */
export function hubCacheDir(): string {
  return join(cacheDir(), "hub");
}

/** The files transformers.js reads for one model and dtype, relative to the model's folder. */
export function requiredModelFiles(dtype: Dtype): string[] {
  return ["config.json", "tokenizer.json", "tokenizer_config.json", join("onnx", onnxFileName(dtype))];
}

/**
 * The model folders looked in, in order: --models / PAPERS_MODELS, the user's model cache
 * ($XDG_CACHE_HOME/papers/models), then the models shipped with papers. After them, the Hub.
 */
export function modelRoots(location: ModelLocation): string[] {
  return [...new Set([location.modelsDir, userModelsDir(), SHIPPED_MODELS_DIR].filter((d): d is string => !!d))];
}

/** A name that means a folder on disk rather than a Hub id or alias. */
export function isModelPath(name: string): boolean {
  return isAbsolute(name) || name.startsWith("./") || name.startsWith("../") || name.startsWith("~/");
}

/** The id a model name stands for: a folder path made absolute, an alias's Hub id, or the name itself. */
export function modelId(name: string): string {
  if (isModelPath(name)) return resolve(name.replace(/^~(?=\/)/, process.env.HOME ?? "~"));
  return knownModel(name)?.id ?? name;
}

/**
 * Where the model `name` (alias, Hub id or folder path) with weights `dtype` is: the first folder
 * in lookup order with every file it needs, else the Hub (null folder) unless offline.
 */
export function locateModel(name: string, dtype: Dtype, location: ModelLocation): FoundModel {
  if (isModelPath(name)) {
    const folder = modelId(name);
    const missing = requiredModelFiles(dtype).filter((f) => !existsSync(join(folder, f)));
    if (missing.length > 0) {
      throw new PapersError("MODEL_NOT_FOUND", `model folder ${folder} has no ${missing.join(", ")} (${dtype}): export it with \`bash scripts/provision-models.sh build org/name --source ${folder}\``);
    }
    return { id: folder, folder };
  }
  const id = modelId(name);
  if (!/^[\w.-]+\/[\w.-]+$/.test(id)) throw unknownModel(name);
  const roots = modelRoots(location);
  const root = roots.find((r) => requiredModelFiles(dtype).every((f) => existsSync(join(r, id, f))));
  if (root) return { id, folder: join(root, id) };
  if (location.offline) {
    throw new PapersError(
      "MODEL_NOT_FOUND",
      `model ${id} (${dtype}) is not on this machine (looked in ${roots.join(", ")}), and --offline forbids the Hub: ${provisionHint(id, dtype)}`,
    );
  }
  return { id, folder: null };
}

export function provisionHint(id: string, dtype: Dtype): string {
  const q8 = dtype === "q8" && knownModel(id)?.id === "Xenova/all-MiniLM-L6-v2" ? "reinstall papers (it ships this model), or " : "";
  return `${q8}run \`bash scripts/provision-models.sh build ${id}\` (it writes to ${userModelsDir()}), or point --models / PAPERS_MODELS at a folder that has it`;
}

/**
 * What is wrong with a model folder's files, or null. A folder made by the provisioning script
 * (and the shipped one) lists each file's size and SHA-256 in provenance.json; the files a load
 * reads are checked against it, so a truncated copy or a changed byte is one clear error rather
 * than a crash or silently different vectors. A folder without provenance.json was not made by
 * papers: only loading it can tell.
 */
export function modelFileProblem(folder: string, dtype: Dtype): string | null {
  let files: Record<string, { size?: number; sha256?: string }> | undefined;
  try {
    files = (JSON.parse(readFileSync(join(folder, "provenance.json"), "utf8")) as { files?: typeof files }).files;
  } catch {
    return null;
  }
  for (const file of requiredModelFiles(dtype)) {
    const expected = files?.[file.split("\\").join("/")];
    if (!expected) continue;
    const path = join(folder, file);
    const size = statSync(path).size;
    if (expected.size !== undefined && size !== expected.size) return `${path} is ${size} bytes, not ${expected.size}`;
    if (expected.sha256 && createHash("sha256").update(readFileSync(path)).digest("hex") !== expected.sha256) {
      return `${path} does not match its SHA-256 in provenance.json`;
    }
  }
  return null;
}
