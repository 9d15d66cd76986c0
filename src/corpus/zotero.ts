/**
 * A Zotero library read as papers: regular items (not notes, not attachments, not in the trash)
 * with their title, abstract, DOI, year, creators, item type, tags and collections, id
 * `zotero:KEY`, and the full text of their PDF attachments (storage/<KEY>/) as passages.
 *
 * zotero.sqlite is never opened in place: Zotero holds an exclusive lock on it while it runs,
 * and nothing here may ever write to it. The reader copies it (a snapshot, with its -journal or
 * -wal file when there is one) into a temporary folder, opens the copy read-only, and deletes it.
 */
import Database from "better-sqlite3";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { PapersError } from "../errors.js";
import { displayText, newPaper, type Paper, type Skipped } from "./paper.js";
import { pdfRecord } from "./pdf.js";

export const DEFAULT_ZOTERO_DIR = join(homedir(), "Zotero");

/** Categories that carry Zotero's tags and collections, so that filters read them as facets. */
export const TAG_PREFIX = "tag:";
export const COLLECTION_PREFIX = "collection:";

export interface ZoteroLibrary {
  papers: Paper[];
  /** Ids (`zotero:KEY`) of every live regular item in the library, whatever --collection says: what re-runs keep. */
  liveIds: Set<string>;
  skipped: Skipped[];
  counts: { items: number; notes: number; standaloneAttachments: number; trashed: number; noAbstract: number; pdfs: number };
}

interface ItemRow {
  itemID: number;
  key: string;
  typeName: string;
  dateModified: string;
}

/** Reads a Zotero data folder (the one holding zotero.sqlite and storage/). */
export async function readZotero(dataDir: string, options: { collection?: string } = {}): Promise<ZoteroLibrary> {
  const file = join(dataDir, "zotero.sqlite");
  if (!existsSync(file)) throw new PapersError("UNREADABLE_FILE", `no zotero.sqlite in ${dataDir}: give Zotero's data folder (Zotero > Settings > Advanced > Files and Folders)`);
  const snapshot = mkdtempSync(join(tmpdir(), "papers-zotero-"));
  try {
    const copy = join(snapshot, "zotero.sqlite");
    copyFileSync(file, copy);
    for (const suffix of ["-journal", "-wal"]) if (existsSync(file + suffix)) copyFileSync(file + suffix, copy + suffix);
    let db: Database.Database;
    try {
      db = new Database(copy, { readonly: true, fileMustExist: true });
      db.prepare("SELECT 1 FROM items LIMIT 1").get();
    } catch (error) {
      throw new PapersError("UNREADABLE_FILE", `cannot read ${file} as a Zotero database: ${(error as Error).message}`);
    }
    try {
      return await readLibrary(db, dataDir, file, options.collection);
    } finally {
      db.close();
    }
  } finally {
    rmSync(snapshot, { recursive: true, force: true });
  }
}

async function readLibrary(db: Database.Database, dataDir: string, file: string, collection: string | undefined): Promise<ZoteroLibrary> {
  const items = db
    .prepare(
      `SELECT i.itemID, i.key, t.typeName, i.dateModified FROM items i
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
    counts: { items: 0, notes: 0, standaloneAttachments: 0, trashed: 0, noAbstract: 0, pdfs: 0 },
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
    library.counts.items++;
    const fields = new Map((field.all(item.itemID) as { name: string; value: unknown }[]).map((f) => [f.name, String(f.value)]));
    const source = { file, line: item.itemID };
    let abstract = displayText(fields.get("abstractNote") ?? "");
    let passages: Paper["passages"];
    let pdfTitle: string | null = null;
    for (const pdf of pdfs.all(item.itemID) as { key: string; path: string | null }[]) {
      const path = pdf.path?.startsWith("storage:") ? join(dataDir, "storage", pdf.key, pdf.path.slice("storage:".length)) : pdf.path;
      if (!path || !existsSync(path)) {
        library.skipped.push({ file: path ?? `${dataDir}/storage/${pdf.key}`, line: null, reason: `PDF of ${id} is missing`, kind: "file" });
        continue;
      }
      const read = await pdfRecord(readFileSync(path), path);
      if ("reason" in read) {
        library.skipped.push({ file: path, line: null, reason: read.reason, kind: "file" });
        continue;
      }
      library.counts.pdfs++;
      passages ??= read.passages;
      pdfTitle ??= read.title;
      if (!abstract) abstract = read.abstract;
    }
    if (!abstract) {
      library.counts.noAbstract++;
      library.skipped.push({ file, line: item.itemID, reason: `item ${item.key} (${item.typeName}) has no abstract and no readable PDF`, kind: "record" });
      continue;
    }
    const date = fields.get("date") ?? "";
    const year = /\b(\d{4})\b/.exec(date);
    library.papers.push(
      newPaper({
        id,
        abstract,
        sources: [source],
        title: fields.get("title") ?? pdfTitle,
        doi: fields.get("DOI") ?? null,
        journalRef: fields.get("publicationTitle") ?? fields.get("proceedingsTitle") ?? fields.get("bookTitle") ?? null,
        year: year ? Number(year[1]) : null,
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
      }),
    );
  }
  return library;
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
