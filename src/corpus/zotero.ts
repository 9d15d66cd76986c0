/**
 * A Zotero library read as papers: regular items (not notes, not attachments, not in the trash)
 * with their title, abstract, DOI, year, creators, item type, tags and collections, id
 * `zotero:KEY`, and the full text of their PDF attachments (storage/<KEY>/) as passages.
 *
 * zotero.sqlite is never opened in place: Zotero holds an exclusive lock on it while it runs,
 * and nothing here may ever write to it. The reader copies it (a consistent snapshot, with its
 * -journal or -wal file when there is one: zotero-snapshot.ts) into a temporary folder, reads the
 * copy, and deletes it. Attachment files are found and read as zotero-files.ts says.
 */
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { PapersError } from "../errors.js";
import { tooLong } from "./events.js";
import { inputLimits, type InputLimits } from "./input-limits.js";
import { zoteroDay } from "./dates.js";
import { cleanPaper, displayText, newPaper, type Paper, type Skipped } from "./paper.js";
import { isRacy } from "./inputs.js";
import { pdfRecord } from "./pdf.js";
import { attachmentFile, profileBaseDirectory, readAttachment, type BaseDirectory } from "./zotero-files.js";
import { snapshotDatabase, zoteroBusy } from "./zotero-snapshot.js";

export const DEFAULT_ZOTERO_DIR = join(homedir(), "Zotero");

/** Categories that carry Zotero's tags and collections, so that filters read them as facets. */
export const TAG_PREFIX = "tag:";
export const COLLECTION_PREFIX = "collection:";

export interface ZoteroLibrary {
  /** The papers of the items read (with `known`: of the items changed since). */
  papers: Paper[];
  /** Ids (`zotero:KEY`) of every live regular item in the library, whatever --collection says: what re-runs keep. */
  liveIds: Set<string>;
  skipped: Skipped[];
  /**
   * items: regular items read; unchanged: items not read again, their change stamp being the one
   * `known` gave.
   */
  counts: { items: number; unchanged: number; notes: number; standaloneAttachments: number; trashed: number; noAbstract: number; pdfs: number };
  /**
   * Each item read (or left unread as unchanged): its change stamp, by key, marked with a leading
   * PAPERLESS when the item gave no paper (no abstract, say); see ZoteroOptions.known.
   */
  stamps: Map<string, string>;
  /** Of the unchanged items, those that gave a paper when last read (the index holds it). */
  unchangedPapers: number;
}

/** Marks the stamp of an item that gave no paper. */
const PAPERLESS = "-";
/** Ends the stamp of an item changed too recently to trust it (inputs.ts isRacy). */
const RACY_MARK = "?";

interface ItemRow {
  itemID: number;
  key: string;
  typeName: string;
  dateModified: string;
  clientDateModified: string;
  version: number;
}

export interface ZoteroOptions {
  /** Only this collection and its subcollections. */
  collection?: string;
  /**
   * The folder `attachments:` paths are relative to (Zotero > Settings > Advanced > Files and
   * Folders > Base directory); default: the one the Zotero profile's prefs.js names.
   */
  baseDir?: string;
  /** Folders holding Zotero profiles, where prefs.js is looked for; default: the platform's. */
  profileRoots?: string[];
  /** What one PDF may cost to read; see input-limits.ts. */
  limits?: Partial<InputLimits>;
  /**
   * Change stamps of items read before, by key (what ZoteroLibrary.stamps gave): an item whose
   * stamp is the same is not read again (neither its fields nor its PDFs), and gives no paper.
   */
  known?: ReadonlyMap<string, string>;
}

/** Reads a Zotero data folder (the one holding zotero.sqlite and storage/). */
export async function readZotero(dataDir: string, options: ZoteroOptions = {}): Promise<ZoteroLibrary> {
  const file = join(dataDir, "zotero.sqlite");
  let stat;
  try {
    stat = statSync(file);
  } catch {
    throw new PapersError("UNREADABLE_FILE", `no zotero.sqlite in ${dataDir}: give Zotero's data folder (Zotero > Settings > Advanced > Files and Folders)`);
  }
  if (!stat.isFile()) {
    throw new PapersError("UNREADABLE_FILE", `${file} is ${stat.isDirectory() ? "a folder" : "not a regular file"}, not Zotero's database: give Zotero's data folder (Zotero > Settings > Advanced > Files and Folders)`);
  }
  const limits = inputLimits(options.limits);
  const base: BaseDirectory = options.baseDir !== undefined ? { dir: options.baseDir, from: "--zotero-base" } : profileBaseDirectory(dataDir, DEFAULT_ZOTERO_DIR, options.profileRoots);
  const snapshot = mkdtempSync(join(tmpdir(), "papers-zotero-"));
  try {
    const copy = join(snapshot, "zotero.sqlite");
    await snapshotDatabase(file, copy);
    let db: Database.Database;
    try {
      // Read-write on papers' own copy, so that SQLite can roll back a hot journal copied with it.
      db = new Database(copy, { fileMustExist: true });
      db.pragma("query_only = 1");
      db.prepare("SELECT 1 FROM items LIMIT 1").get();
    } catch (error) {
      throw sqliteProblem(error, file) ?? new PapersError("UNREADABLE_FILE", `cannot read ${file} as a Zotero database: ${(error as Error).message}`);
    }
    try {
      // One transaction: every query sees the same state of the copy.
      db.prepare("BEGIN").run();
      return await readLibrary(db, { dataDir, file, collection: options.collection, base, limits, known: options.known ?? new Map() });
    } catch (error) {
      throw sqliteProblem(error, file) ?? error;
    } finally {
      db.close();
    }
  } finally {
    rmSync(snapshot, { recursive: true, force: true });
  }
}

/** A SQLite error as what the user can do about it, or null when it is none of those. */
function sqliteProblem(error: unknown, file: string): PapersError | null {
  const code = String((error as { code?: unknown }).code ?? "");
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") {
    return new PapersError(
      "ZOTERO_DAMAGED",
      `${file} is damaged (${(error as Error).message}): in Zotero, run Help > Troubleshooting > Check Database Integrity, or restore zotero.sqlite from a backup (zotero.sqlite.bak), then retry`,
    );
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) return zoteroBusy(file);
  return null;
}

interface LibraryRead {
  dataDir: string;
  file: string;
  collection: string | undefined;
  base: BaseDirectory;
  limits: InputLimits;
  known: ReadonlyMap<string, string>;
}

async function readLibrary(db: Database.Database, { dataDir, file, collection, base, limits, known }: LibraryRead): Promise<ZoteroLibrary> {
  const items = db
    .prepare(
      `SELECT i.itemID, i.key, t.typeName, i.dateModified, i.clientDateModified, i.version FROM items i
       JOIN itemTypesCombined t ON t.itemTypeID = i.itemTypeID
       WHERE i.itemID NOT IN (SELECT itemID FROM feedItems)
       ORDER BY i.itemID`,
    )
    .all() as ItemRow[];
  const trashed = new Set(db.prepare("SELECT itemID FROM deletedItems").pluck().all() as number[]);
  const notes = new Map(
    (db.prepare("SELECT itemID, parentItemID FROM itemNotes").all() as { itemID: number; parentItemID: number | null }[]).map((n) => [n.itemID, n.parentItemID]),
  );
  const attachments = new Map(
    (db.prepare("SELECT itemID, parentItemID FROM itemAttachments").all() as { itemID: number; parentItemID: number | null }[]).map((a) => [a.itemID, a.parentItemID]),
  );
  const field = db.prepare(
    `SELECT f.fieldName AS name, v.value FROM itemData d JOIN fieldsCombined f ON f.fieldID = d.fieldID
     JOIN itemDataValues v ON v.valueID = d.valueID WHERE d.itemID = ?`,
  );
  const creators = db.prepare(
    `SELECT c.firstName, c.lastName, c.fieldMode FROM itemCreators ic JOIN creators c ON c.creatorID = ic.creatorID
     WHERE ic.itemID = ? ORDER BY ic.orderIndex`,
  );
  const tags = db.prepare("SELECT t.name FROM itemTags it JOIN tags t ON t.tagID = it.tagID WHERE it.itemID = ? ORDER BY t.name").pluck();
  const pdfs = db.prepare(
    `SELECT i.key, a.path FROM itemAttachments a JOIN items i ON i.itemID = a.itemID
     WHERE a.parentItemID = ? AND a.contentType = 'application/pdf' AND a.itemID NOT IN (SELECT itemID FROM deletedItems) ORDER BY i.itemID`,
  );
  const collections = collectionsOf(db);
  const wanted = collection === undefined ? undefined : collectionMembers(db, collection, file);

  const library: ZoteroLibrary = {
    papers: [],
    liveIds: new Set(),
    skipped: [],
    counts: { items: 0, unchanged: 0, notes: 0, standaloneAttachments: 0, trashed: 0, noAbstract: 0, pdfs: 0 },
    stamps: new Map(),
    unchangedPapers: 0,
  };
  for (const item of items) {
    if (notes.has(item.itemID) || item.typeName === "note") {
      // Child notes belong to an item; standalone ones are counted as left out.
      if (item.typeName === "note" && (notes.get(item.itemID) ?? null) === null) library.counts.notes++;
      continue;
    }
    if (attachments.has(item.itemID) || item.typeName === "attachment") {
      if (attachments.get(item.itemID) == null) library.counts.standaloneAttachments++;
      continue;
    }
    if (trashed.has(item.itemID)) {
      library.counts.trashed++;
      continue;
    }
    const id = `zotero:${item.key}`;
    library.liveIds.add(id);
    if (wanted && !wanted.has(item.itemID)) continue;
    const files = (pdfs.all(item.itemID) as { key: string; path: string | null }[]).map((pdf) => ({ key: pdf.key, found: attachmentFile(dataDir, pdf.key, pdf.path, base) }));
    const { stamp, racy } = itemStamp(item, collections.get(item.itemID) ?? [], files, Date.now());
    const saved = known.get(item.key);
    if (saved === stamp || saved === PAPERLESS + stamp) {
      library.stamps.set(item.key, saved);
      library.counts.unchanged++;
      if (saved === stamp) library.unchangedPapers++;
      continue;
    }
    // Marked as giving no paper until it gives one (below).
    // A stamp too recent to trust is saved so that it matches none: the next sync reads the item again.
    const kept = racy ? `${stamp}${RACY_MARK}` : stamp;
    library.stamps.set(item.key, PAPERLESS + kept);
    library.counts.items++;
    const fields = new Map((field.all(item.itemID) as { name: string; value: unknown }[]).map((f) => [f.name, String(f.value)]));
    const source = { file, line: item.itemID };
    let abstract = displayText(fields.get("abstractNote") ?? "");
    let passages: Paper["passages"];
    let references: Paper["references"];
    let pdfTitle: string | null = null;
    for (const { found } of files) {
      const data = "reason" in found ? found : readAttachment(found.path, found.within, limits.maxPdfBytes);
      if ("reason" in data) {
        library.skipped.push({ file: found.path, line: null, reason: `PDF of ${id} ${data.reason}`, kind: "file" });
        continue;
      }
      const path = found.path;
      const read = await pdfRecord(data, path, limits);
      if ("reason" in read) {
        library.skipped.push({ file: path, line: null, reason: read.reason, kind: "file" });
        continue;
      }
      library.counts.pdfs++;
      passages ??= read.passages;
      references ??= read.references;
      pdfTitle ??= read.title;
      if (!abstract) abstract = read.abstract;
    }
    if (!abstract) {
      library.counts.noAbstract++;
      library.skipped.push({ file, line: item.itemID, reason: `item ${item.key} (${item.typeName}) has no abstract and no readable PDF`, kind: "record" });
      continue;
    }
    const overLimit = tooLong(abstract);
    if (overLimit) {
      library.skipped.push({ file, line: item.itemID, reason: `item ${item.key}: ${overLimit}`, kind: "record" });
      continue;
    }
    // Stored as "YYYY-MM-DD original text", 00 for a month or day not given ("2007-00-00 2007").
    const date = fields.get("date") ?? "";
    const year = /\b(\d{4})\b/.exec(date);
    library.stamps.set(item.key, kept);
    library.papers.push(
      cleanPaper(newPaper({
        id,
        abstract,
        sources: [source],
        title: fields.get("title") ?? pdfTitle,
        doi: fields.get("DOI") ?? null,
        journalRef: fields.get("publicationTitle") ?? fields.get("proceedingsTitle") ?? fields.get("bookTitle") ?? null,
        year: year ? Number(year[1]) : null,
        date: zoteroDay(date),
        authors: (creators.all(item.itemID) as { firstName: string | null; lastName: string | null; fieldMode: number | null }[]).map((c) =>
          c.fieldMode === 1 ? (c.lastName ?? "") : [c.firstName, c.lastName].filter(Boolean).join(" "),
        ),
        // Item type, tags and collections (each ancestor too, so a collection finds its subcollections' items).
        categories: [
          item.typeName,
          ...(tags.all(item.itemID) as string[]).map((tag) => TAG_PREFIX + tag),
          ...(collections.get(item.itemID) ?? []).map((name) => COLLECTION_PREFIX + name),
        ],
        ...(passages && passages.length > 0 ? { passages } : {}),
        ...(references && references.length > 0 ? { references } : {}),
      })),
    );
  }
  return library;
}

/**
 * What changes when an item does, without reading it: Zotero's own change marks (the sync version,
 * and the modification times Zotero sets on every edit, tags and collections included), the names
 * of its collections (a renamed collection changes none of its items), and each PDF attachment's
 * path and file stamp (size, modification time, inode). A hash, to keep the index's state small.
 */
function itemStamp(item: ItemRow, collections: readonly string[], files: readonly { key: string; found: { path: string } }[], now: number): { stamp: string; racy: boolean } {
  const parts: unknown[] = [item.version, item.dateModified, item.clientDateModified, collections];
  // Zotero keeps times in whole seconds, UTC: an edit within the second of a sync keeps them.
  let racy = [item.dateModified, item.clientDateModified].some((time) => isRacy(Date.parse(`${String(time).replace(" ", "T")}Z`) || 0, now));
  for (const { key, found } of files) {
    let stat: string;
    try {
      const s = statSync(found.path);
      stat = `${s.size}:${s.mtimeMs}:${s.ino}`;
      racy ||= isRacy(s.mtimeMs, now);
    } catch {
      stat = "-";
    }
    parts.push(`${key}:${found.path}:${"reason" in found ? "x" : ""}${stat}`);
  }
  return { stamp: createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16), racy };
}

/** Each item's collections and all their ancestors, by name. */
function collectionsOf(db: Database.Database): Map<number, string[]> {
  const rows = db.prepare("SELECT collectionID AS id, collectionName AS name, parentCollectionID AS parent FROM collections").all() as { id: number; name: string; parent: number | null }[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  const lineage = (id: number): string[] => {
    const names: string[] = [];
    for (let at = byId.get(id), guard = 0; at && guard < 100; at = at.parent === null ? undefined : byId.get(at.parent), guard++) names.push(at.name);
    return names;
  };
  const out = new Map<number, string[]>();
  for (const { collectionID, itemID } of db.prepare("SELECT collectionID, itemID FROM collectionItems").all() as { collectionID: number; itemID: number }[]) {
    const names = out.get(itemID) ?? [];
    for (const name of lineage(collectionID)) if (!names.includes(name)) names.push(name);
    out.set(itemID, names);
  }
  return out;
}

/** Items in the named collection or any of its subcollections; an unknown name is an error. */
function collectionMembers(db: Database.Database, name: string, file: string): Set<number> {
  const rows = db.prepare("SELECT collectionID AS id, collectionName AS name, parentCollectionID AS parent FROM collections").all() as { id: number; name: string; parent: number | null }[];
  const roots = rows.filter((row) => row.name.toLowerCase() === name.toLowerCase()).map((row) => row.id);
  if (roots.length === 0) {
    const known = rows.map((row) => row.name).sort().join(", ");
    throw new PapersError("BAD_OPTION", `no collection "${name}" in ${file}${known ? `: it has ${known}` : ""}`);
  }
  const all = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) if (row.parent !== null && all.has(row.parent) && !all.has(row.id)) all.add(row.id), (grew = true);
  }
  const members = db.prepare("SELECT itemID FROM collectionItems WHERE collectionID = ?").pluck();
  return new Set([...all].flatMap((id) => members.all(id) as number[]));
}
