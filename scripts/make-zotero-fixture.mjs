#!/usr/bin/env node
/**
 * Builds a Zotero data folder for tests: zotero.sqlite from Zotero's own schema
 * (test/fixtures/zotero/schema/, see ORIGIN.md) filled as Zotero fills it, and storage/<KEY>/
 * holding PDF attachments (the fixtures of test/fixtures/pdf/).
 *
 *   node scripts/make-zotero-fixture.mjs DIR
 *
 * The library: a journal article with its PDF, a conference paper with a PDF and no abstract in
 * Zotero (the PDF's abstract is used), a book with an editor, a thesis in the trash
 * (deletedItems), a journal article with neither abstract nor PDF, a standalone note, a child
 * note, a standalone PDF attachment; tags; collections nested three deep.
 */
import Database from "better-sqlite3";
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMA = join(REPO, "test", "fixtures", "zotero", "schema");
const PDF = join(REPO, "test", "fixtures", "pdf");

export const ITEMS = {
  glacier: { key: "GLAC2021", title: "Measuring Glacier Surface Drift with Low-Cost GNSS Receivers" },
  flow: { key: "FLOW2024", title: "Efficient Fine-Grained Flow Classification for Enterprise Network Traffic" },
  book: { key: "BOOK2018", title: "The Alpine Beekeeper's Handbook" },
  trashed: { key: "THES2017", title: "Genetics of Alpine Honey Bees" },
  bare: { key: "BARE2020", title: "An Article Without Abstract" },
};

export function makeZoteroLibrary(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "storage"), { recursive: true });
  const db = new Database(join(dir, "zotero.sqlite"));
  db.exec(readFileSync(join(SCHEMA, "system.sql"), "utf8"));
  db.exec(readFileSync(join(SCHEMA, "userdata.sql"), "utf8"));
  // What Zotero does at startup: the *Combined tables from the base ones (no custom types here).
  db.exec(`INSERT INTO itemTypesCombined SELECT itemTypeID, typeName, display, 0 FROM itemTypes;
    INSERT INTO fieldsCombined SELECT fieldID, fieldName, NULL, fieldFormatID, 0 FROM fields;
    INSERT INTO creatorTypes VALUES (1, 'author'), (2, 'contributor'), (3, 'editor');
    INSERT INTO libraries (libraryID, type, editable, filesEditable) VALUES (1, 'user', 1, 1);
    INSERT INTO version VALUES ('userdata', 107), ('system', 31)`);

  const type = (name) => db.prepare("SELECT itemTypeID FROM itemTypes WHERE typeName = ?").pluck().get(name);
  const fieldId = (name) => db.prepare("SELECT fieldID FROM fields WHERE fieldName = ?").pluck().get(name);
  let nextItem = 1;
  const item = (typeName, key, modified = "2024-05-01 10:00:00") => {
    const id = nextItem++;
    db.prepare("INSERT INTO items (itemID, itemTypeID, dateAdded, dateModified, clientDateModified, libraryID, key) VALUES (?, ?, ?, ?, ?, 1, ?)").run(id, type(typeName), modified, modified, modified, key);
    return id;
  };
  const set = (itemID, name, value) => {
    db.prepare("INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)").run(value);
    const valueID = db.prepare("SELECT valueID FROM itemDataValues WHERE value = ?").pluck().get(value);
    db.prepare("INSERT INTO itemData VALUES (?, ?, ?)").run(itemID, fieldId(name), valueID);
  };
  const creator = (itemID, first, last, order, creatorType = 1) => {
    db.prepare("INSERT OR IGNORE INTO creators (firstName, lastName, fieldMode) VALUES (?, ?, 0)").run(first, last);
    const creatorID = db.prepare("SELECT creatorID FROM creators WHERE firstName = ? AND lastName = ?").pluck().get(first, last);
    db.prepare("INSERT INTO itemCreators VALUES (?, ?, ?, ?)").run(itemID, creatorID, creatorType, order);
  };
  const tag = (itemID, name) => {
    db.prepare("INSERT OR IGNORE INTO tags (name) VALUES (?)").run(name);
    db.prepare("INSERT INTO itemTags VALUES (?, (SELECT tagID FROM tags WHERE name = ?), 0)").run(itemID, name);
  };
  const collection = (id, name, parent, key) =>
    db.prepare("INSERT INTO collections (collectionID, collectionName, parentCollectionID, libraryID, key) VALUES (?, ?, ?, 1, ?)").run(id, name, parent, key);
  const file = (dataDir, parentID, key, pdf) => {
    const id = item("attachment", key);
    // linkMode 0: a file imported into storage/<KEY>/, as Zotero stores a PDF saved with an item.
    db.prepare("INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) VALUES (?, ?, 0, 'application/pdf', ?)").run(id, parentID, `storage:${pdf}`);
    mkdirSync(join(dataDir, "storage", key), { recursive: true });
    copyFileSync(join(PDF, pdf), join(dataDir, "storage", key, pdf));
    return id;
  };

  collection(1, "Earth Sciences", null, "COLLEART");
  collection(2, "Glaciology", 1, "COLLGLAC");
  collection(3, "Field Methods", 2, "COLLFIEL");
  collection(4, "Computer Science", null, "COLLCOMP");

  const glacier = item("journalArticle", ITEMS.glacier.key);
  set(glacier, "title", ITEMS.glacier.title);
  set(glacier, "abstractNote", "Consumer-grade satellite navigation modules on wooden stakes track the surface velocity of a temperate outlet glacier to within a few millimetres per day, at a hundredth of the cost of geodetic receivers.");
  set(glacier, "DOI", "10.5555/glacier.2021.0042");
  set(glacier, "date", "2021-03-00 March 2021");
  set(glacier, "publicationTitle", "Journal of Field Glaciology");
  creator(glacier, "Ingrid", "Halvorsen", 0);
  creator(glacier, "Tomas", "Eriksen", 1);
  tag(glacier, "glaciers");
  tag(glacier, "GNSS");
  db.prepare("INSERT INTO collectionItems VALUES (3, ?, 0)").run(glacier);
  file(dir, glacier, "ATTGLAC1", "glacier-onecol.pdf");
  const childNote = item("note", "NOTEGLAC");
  db.prepare("INSERT INTO itemNotes VALUES (?, ?, ?, ?)").run(childNote, glacier, "<p>Read for the field season.</p>", "Read for the field season.");

  const flow = item("conferencePaper", ITEMS.flow.key);
  set(flow, "title", ITEMS.flow.title);
  // Zotero keeps a date as "YYYY-MM-DD what was typed" (00 for a part not given).
  set(flow, "date", "2024-06-12 June 12, 2024");
  set(flow, "proceedingsTitle", "Proceedings of the Workshop on Network Measurement");
  creator(flow, "Priya", "Raghunathan", 0);
  creator(flow, "Felix", "Oberholzer", 1);
  creator(flow, "Wei", "Zhang", 2);
  tag(flow, "networking");
  db.prepare("INSERT INTO collectionItems VALUES (4, ?, 0)").run(flow);
  file(dir, flow, "ATTFLOW1", "flow-twocol.pdf");

  const book = item("book", ITEMS.book.key);
  set(book, "title", ITEMS.book.title);
  set(book, "abstractNote", "A practical guide to keeping honey bees in mountain valleys: wintering colonies, treating varroa mites early, and moving hives between valley floor and summer meadows.");
  set(book, "date", "2018");
  creator(book, "Martina", "Gasser", 0, 3);
  tag(book, "bees");
  db.prepare("INSERT INTO collectionItems VALUES (1, ?, 0)").run(book);

  const trashed = item("thesis", ITEMS.trashed.key);
  set(trashed, "title", ITEMS.trashed.title);
  set(trashed, "abstractNote", "We sequence honey bees from twelve alpine apiaries and find two distinct lineages.");
  tag(trashed, "bees");
  db.prepare("INSERT INTO deletedItems (itemID) VALUES (?)").run(trashed);

  const bare = item("journalArticle", ITEMS.bare.key);
  set(bare, "title", ITEMS.bare.title);

  const note = item("note", "NOTEALON");
  db.prepare("INSERT INTO itemNotes VALUES (?, NULL, ?, ?)").run(note, "<p>Ideas for next year.</p>", "Ideas for next year.");
  file(dir, null, "ATTALONE", "beekeeping-noabstract.pdf");
  db.close();
  return { dir, ids: { glacier, flow, book, trashed, bare } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: node scripts/make-zotero-fixture.mjs DIR");
    process.exit(2);
  }
  makeZoteroLibrary(dir);
  console.log(`Zotero library in ${dir}`);
}
