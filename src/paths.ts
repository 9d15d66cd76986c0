import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The index folder's mark (store/folder/ownership.ts): readers never take such a folder as input. */
export const INDEX_MARK = ".papers-index";
/** A generation folder's mark, written first thing in its staging folder. */
export const GENERATION_MARK = ".papers-generation";

/** The package's own folder: both `src/` and `dist/src/` resolve to it. */
export const PACKAGE_ROOT = findPackageRoot(fileURLToPath(new URL(".", import.meta.url)));

/** The default model ships with the package, read-only, at `models/<org>/<name>/`. */
export const SHIPPED_MODELS_DIR = join(PACKAGE_ROOT, "models");
export const SEEDS_DIR = join(PACKAGE_ROOT, "seeds");

/**
 * An installed papers (a path through node_modules, or no .git beside it) never writes inside
 * its own folder, which may be read-only or replaced by the next install; a checkout keeps its
 * index in `index/`, next to the code being worked on.
 */
export function isCheckout(root = PACKAGE_ROOT): boolean {
  return !root.split(sep).includes("node_modules") && existsSync(join(root, ".git"));
}

/** `$XDG_CACHE_HOME/papers` (default ~/.cache/papers): models and other things that can be made again. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "papers");
}

/** `$XDG_DATA_HOME/papers` (default ~/.local/share/papers): an installed papers' index. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "papers");
}

/** Models a user provisioned (scripts/provision-models.sh writes here). */
export function userModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), "models");
}

/** Where the index lives when neither --index nor PAPERS_INDEX says. */
export function defaultIndexDir(env: NodeJS.ProcessEnv = process.env, root = PACKAGE_ROOT): string {
  return isCheckout(root) ? join(root, "index") : join(dataDir(env), "index");
}

function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = join(dir, "..");
    if (parent === dir) return from;
    dir = parent;
  }
  return dir;
}
