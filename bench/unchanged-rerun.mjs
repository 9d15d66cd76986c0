#!/usr/bin/env node
// What a rerun costs when (almost) nothing changed (issue 24): `papers index` over 500 unchanged
// PDFs, and a Zotero re-sync of a 500-item library (a PDF each) with one item edited, timed end to
// end as a user waits for them (`node bin/papers.js …`, process start included), with the real
// default model (embedding happens in the first run only, which is timed for reference).
//
//   npm run build && node bench/unchanged-rerun.mjs [--count 500] [--runs 3] [--work DIR] [--base /path/to/other/checkout]
//
// --base: another checkout of papers, built (say the commit before "nothing read twice"), whose
// bin/papers.js is timed the same way beside this one's. The PDFs are made in memory by
// test/pdf-gen.ts (transpiled here with TypeScript), the Zotero library by
// scripts/make-zotero-fixture.mjs plus `count` items with a PDF each. Prints the median of --runs.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import ts from "typescript";
import { makeZoteroLibrary } from "../scripts/make-zotero-fixture.mjs";

const REPO = new URL("..", import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    count: { type: "string", default: "500" },
    runs: { type: "string", default: "3" },
    work: { type: "string", default: "/tmp/papers-rerun-bench" },
    base: { type: "string" },
  },
});
const count = Number(values.count);
const runs = Number(values.runs);
const work = resolve(values.work);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// test/pdf-gen.ts, transpiled (Node runs no TypeScript here), so the bench makes PDFs as the tests do.
const genSource = ts.transpileModule(readFileSync(join(REPO, "test", "pdf-gen.ts"), "utf8"), {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText;
writeFileSync(join(work, "pdf-gen.mjs"), genSource);
const { paperPdf, sentence } = await import(join(work, "pdf-gen.mjs"));

const pdfs = join(work, "pdfs");
mkdirSync(pdfs);
for (let i = 0; i < count; i++) {
  const pdf = paperPdf({
    title: `Field Study ${i + 1} of Alpine Ecosystems`,
    abstract: [`We report study ${i + 1}: ${sentence(i, 10)}`, sentence(i + 1000, 12), sentence(i + 2000, 12)],
    body: Array.from({ length: 12 }, (_, j) => sentence(i * 31 + j, 12)),
  });
  writeFileSync(join(pdfs, `paper-${String(i).padStart(4, "0")}.pdf`), pdf);
}

/** A Zotero data folder: the test fixture's library plus `count` journal articles, each with its PDF in storage/. */
function zoteroLibrary(dir) {
  makeZoteroLibrary(dir);
  const db = new Database(join(dir, "zotero.sqlite"));
  const type = (name) => db.prepare("SELECT itemTypeID FROM itemTypes WHERE typeName = ?").pluck().get(name);
  const titleField = db.prepare("SELECT fieldID FROM fields WHERE fieldName = 'title'").pluck().get();
  const insertItem = db.prepare("INSERT INTO items (itemTypeID, dateAdded, dateModified, clientDateModified, libraryID, key) VALUES (?, '2024-05-01 10:00:00', '2024-05-01 10:00:00', '2024-05-01 10:00:00', 1, ?)");
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const key = `B${String(i).padStart(7, "0")}`;
      const item = insertItem.run(type("journalArticle"), key).lastInsertRowid;
      db.prepare("INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)").run(`Field Study ${i + 1} of Alpine Ecosystems`);
      db.prepare("INSERT INTO itemData VALUES (?, ?, (SELECT valueID FROM itemDataValues WHERE value = ?))").run(item, titleField, `Field Study ${i + 1} of Alpine Ecosystems`);
      const attachmentKey = `A${String(i).padStart(7, "0")}`;
      const attachment = insertItem.run(type("attachment"), attachmentKey).lastInsertRowid;
      const name = `paper-${String(i).padStart(4, "0")}.pdf`;
      db.prepare("INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) VALUES (?, ?, 0, 'application/pdf', ?)").run(attachment, item, `storage:${name}`);
      mkdirSync(join(dir, "storage", attachmentKey), { recursive: true });
      copyFileSync(join(pdfs, name), join(dir, "storage", attachmentKey, name));
    }
  })();
  db.close();
}

/** Edits one item as Zotero does: a new title, its modification times and version bumped. */
function editItem(dir, n) {
  const db = new Database(join(dir, "zotero.sqlite"));
  const title = `Field Study 1 of Alpine Ecosystems, revision ${n}`;
  db.prepare("INSERT OR IGNORE INTO itemDataValues (value) VALUES (?)").run(title);
  db.prepare(
    `UPDATE itemData SET valueID = (SELECT valueID FROM itemDataValues WHERE value = ?)
     WHERE itemID = (SELECT itemID FROM items WHERE key = 'B0000000') AND fieldID = (SELECT fieldID FROM fields WHERE fieldName = 'title')`,
  ).run(title);
  db.prepare(`UPDATE items SET dateModified = ?, clientDateModified = ?, version = version + 1 WHERE key = 'B0000000'`).run(`2025-01-0${n} 09:00:00`, `2025-01-0${n} 09:00:00`);
  db.close();
}

/**
 * One CLI run as a user waits for it: wall seconds, and CPU seconds (user + system, from
 * /usr/bin/time) which a machine shared with other work inflates less.
 */
function timed(bin, args) {
  const started = performance.now();
  const run = spawnSync("/usr/bin/time", ["-f", "cpu %U %S", process.execPath, bin, ...args], { encoding: "utf8", env: { ...process.env, PAPERS_OFFLINE: "1" } });
  const wall = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${bin} ${args.join(" ")} failed: ${run.stderr}`);
  const [, user, system] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(run.stderr) ?? [];
  return { wall, cpu: Number(user) + Number(system) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (times) => ({ wall: median(times.map((t) => t.wall)), cpu: median(times.map((t) => t.cpu)), walls: times.map((t) => t.wall) });
const show = (t) => `${t.wall.toFixed(2)} s wall (${t.cpu.toFixed(2)} s CPU) [${t.walls.map((s) => s.toFixed(2)).join(", ")}]`;

function measure(label, checkout) {
  const bin = join(checkout, "bin", "papers.js");
  const models = ["--models", join(REPO, "models")];
  const index = join(work, `${label}-index`);
  const zotero = join(work, `${label}-Zotero`);
  const zoteroIndex = join(work, `${label}-zotero-index`);
  zoteroLibrary(zotero);
  const firstPdfs = timed(bin, [...models, "--index", index, "index", pdfs]);
  const rerun = summary(Array.from({ length: runs }, () => timed(bin, [...models, "--index", index, "index", pdfs])));
  const firstZotero = timed(bin, [...models, "--index", zoteroIndex, "index", "--zotero", zotero]);
  const resync = summary(Array.from({ length: runs }, (_, i) => {
    editItem(zotero, i + 1);
    return timed(bin, [...models, "--index", zoteroIndex, "index", "--zotero", zotero]);
  }));
  return { label, checkout, firstPdfs, rerun, firstZotero, resync };
}

const results = [measure("this", REPO)];
if (values.base) results.push(measure("base", resolve(values.base)));
const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(`${count} PDFs, a Zotero library of ${count} items with a PDF each; median of ${runs} runs; ${cpus().length} × ${cpu}`);
for (const r of results) {
  console.log(`${r.label} (${r.checkout}):`);
  console.log(`  first index of the PDFs ${r.firstPdfs.wall.toFixed(1)} s; rerun, nothing changed: ${show(r.rerun)}`);
  console.log(`  first Zotero sync ${r.firstZotero.wall.toFixed(1)} s; re-sync, one item changed: ${show(r.resync)}`);
}
