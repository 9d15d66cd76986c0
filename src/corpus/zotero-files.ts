/**
 * A Zotero attachment's file, found and read safely. Zotero's database names a file three ways:
 * `storage:NAME` (a file Zotero keeps in storage/KEY/), `attachments:REL` (a linked file under the
 * base directory set in Zotero's settings) or an absolute path (a linked file elsewhere). The
 * path comes from a database anyone can edit, so:
 * - `storage:` stays inside storage/KEY, through symlinks too; `attachments:` inside the base
 *   directory; `../` out of either is refused;
 * - only a regular file is read (not a folder, a FIFO that never ends, or /dev/zero), opened
 *   without blocking and checked on the open descriptor, and never past the PDF size limit.
 * Each refusal is a reason for that one attachment, never an error for the whole import.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { formatBytes } from "./input-limits.js";

/** Where `attachments:` paths are resolved, and how it was found (for messages). */
export interface BaseDirectory {
  dir: string | null;
  /** "--zotero-base", a prefs.js path, or why none was found. */
  from: string;
}

/** The file an attachment row names, or why it cannot be read. */
export function attachmentFile(dataDir: string, key: string, path: string | null, base: BaseDirectory): { path: string; within: string | null } | { reason: string; path: string } {
  if (!path) return { reason: "has no file path", path: join(dataDir, "storage", key) };
  if (path.startsWith("storage:")) {
    const folder = join(dataDir, "storage", key);
    return inside(folder, path.slice("storage:".length), `storage/${key}`);
  }
  if (path.startsWith("attachments:")) {
    if (base.dir === null) {
      return { reason: `is linked relative to Zotero's base directory (${path}), which is not known (${base.from}): give it with --zotero-base DIR`, path };
    }
    // Lexically only: a link in the user's own folder of papers may lead to another disk, by design.
    const found = inside(base.dir, path.slice("attachments:".length), `the base directory ${base.dir}`);
    return "reason" in found ? found : { path: found.path, within: null };
  }
  if (!isAbsolute(path)) return { reason: `has a path papers cannot place (${path})`, path };
  return { path, within: null };
}

/** `name` under `folder`, unless it leads out of it. */
function inside(folder: string, name: string, what: string): { path: string; within: string } | { reason: string; path: string } {
  const path = resolve(folder, name);
  const rel = relative(folder, path);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return { reason: `has a path that leads out of ${what} (${name}): refused`, path };
  return { path, within: folder };
}

/**
 * A regular file's bytes, or why not: missing, not a regular file, over `maxBytes`, or (with
 * `within`) reached through a link that leads out of that folder.
 */
export function readAttachment(path: string, within: string | null, maxBytes: number): Buffer | { reason: string } {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    return { reason: (error as NodeJS.ErrnoException).code === "ENOENT" ? "is missing" : `cannot be read: ${(error as Error).message}` };
  }
  if (within !== null) {
    let folder: string;
    try {
      folder = realpathSync(within);
    } catch {
      return { reason: "is missing" };
    }
    if (!real.startsWith(folder + sep)) return { reason: `is a link that leads out of ${within}: refused` };
  }
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    return { reason: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { reason: `is not a regular file (${stat.isDirectory() ? "a folder" : stat.isFIFO() ? "a FIFO" : stat.isCharacterDevice() || stat.isBlockDevice() ? "a device" : "a socket"}): refused` };
    if (stat.size > maxBytes) return { reason: `is a PDF of ${formatBytes(stat.size)}, over the limit of ${formatBytes(maxBytes)} (PAPERS_MAX_PDF_BYTES)` };
    const data = Buffer.alloc(stat.size);
    let read = 0;
    while (read < data.length) {
      const n = readSync(fd, data, read, data.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return data.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Folders that hold Zotero profiles (each profile a folder with prefs.js), per platform. */
export function defaultProfileRoots(): string[] {
  const home = homedir();
  const roots = [join(home, ".zotero", "zotero"), join(home, "Library", "Application Support", "Zotero", "Profiles")];
  if (process.env.APPDATA) roots.push(join(process.env.APPDATA, "Zotero", "Zotero", "Profiles"));
  return roots;
}

/** Zotero's user_pref("name", value) lines of one prefs.js. */
export function readPrefs(text: string): Map<string, unknown> {
  const prefs = new Map<string, unknown>();
  for (const match of text.matchAll(/^\s*user_pref\(\s*"([^"]+)"\s*,\s*("(?:[^"\\]|\\.)*"|true|false|-?\d+)\s*\)\s*;/gm)) {
    try {
      prefs.set(match[1]!, JSON.parse(match[2]!));
    } catch {
      // A value JSON does not read (a JS-only escape): not one papers needs.
    }
  }
  return prefs;
}

/**
 * The base directory of the Zotero profile whose data folder is `dataDir`: its prefs.js names the
 * data folder (extensions.zotero.dataDir), or names none and `dataDir` is the default ~/Zotero.
 */
export function profileBaseDirectory(dataDir: string, defaultDataDir: string, roots: readonly string[] = defaultProfileRoots()): BaseDirectory {
  const wanted = resolve(dataDir);
  for (const root of roots) {
    let profiles: string[];
    try {
      profiles = readdirSync(root).sort();
    } catch {
      continue;
    }
    for (const profile of profiles) {
      const file = join(root, profile, "prefs.js");
      // user.js, where there is one, sets prefs over prefs.js (as Firefox and Zotero read them).
      const prefs = new Map<string, unknown>();
      for (const name of ["prefs.js", "user.js"]) {
        try {
          for (const [key, value] of readPrefs(readFileSync(join(root, profile, name), "utf8"))) prefs.set(key, value);
        } catch {
          // No such file: the profile's other file, or none, says.
        }
      }
      const custom = prefs.get("extensions.zotero.useDataDir") === true ? prefs.get("extensions.zotero.dataDir") : undefined;
      const profileData = typeof custom === "string" && custom !== "" ? resolve(custom) : resolve(defaultDataDir);
      if (profileData !== wanted) continue;
      const base = prefs.get("extensions.zotero.baseAttachmentPath");
      if (typeof base === "string" && base !== "") return { dir: base, from: file };
    }
  }
  return { dir: null, from: `no Zotero profile for ${dataDir} sets one in its prefs.js` };
}
