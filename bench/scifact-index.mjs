// Where the ask benches find the SciFact index: the folder given, else the one `papers eval
// ../shared/data/scifact` cached under $XDG_CACHE_HOME/papers/eval (all-MiniLM-L6-v2's).
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The SciFact data beside the checkout (../shared/data/scifact), as the repository's README says. */
export const SCIFACT_DATA = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "shared", "data", "scifact");

export function scifactIndex(given, data = SCIFACT_DATA) {
  if (given) return given;
  const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "papers", "eval");
  const name = existsSync(cache) ? readdirSync(cache).find((n) => n.startsWith("scifact-") && n.includes("MiniLM")) : undefined;
  if (!name) throw new Error(`no SciFact index in ${cache}: run \`papers eval ${data}\` first, or give --index`);
  return join(cache, name);
}
