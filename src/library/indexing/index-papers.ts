/**
 * Indexing papers read from files (or already read): one update of the store, one commit.
 *
 * A rerun reads only what changed (file-stamps.ts, check-files.ts): files whose stamp is unchanged
 * are not opened, files whose bytes did not change are not parsed, and the papers of the files
 * parsed are written over the stored ones. A paper merged from several files is rebuilt from all
 * of them. Files gone from the paths are noticed; with `prune`, their papers leave the index.
 */
import { resolve } from "node:path";
import type { Paper, Skipped } from "../../corpus/paper.js";
import { expandPaths, STDIN_PATH } from "../../corpus/inputs.js";
import { noInputFiles, noPapers, readCorpusFiles, type Corpus, type ReadOptions } from "../../corpus/read-corpus.js";
import { DEFAULT_DTYPE, DEFAULT_MODEL } from "../../embed/models.js";
import type { IndexOptions, IndexPapersOptions, IndexSummary, ProgressListener } from "../types.js";
import { openStore } from "../../store/open-store.js";
import type { IndexStateChanges } from "../../store/shared/index-state.js";
import { embedderLoader } from "../embedder.js";
import type { Embedder } from "../../embed/embedder.js";
import type { IndexStore, StoreModel, UpdateOptions, UpdateSummary } from "../../store/store.js";
import { checkFiles, goneFiles, type CheckedFile } from "./check-files.js";
import { FILES_STATE, fieldsKey, rebuildDrops, savedStamp, parseFileEntries, prunableIds, serializeFileEntry, sharingFiles, sourcePath, type FileEntries, type FileEntry } from "./file-stamps.js";
import { currentPhases, phase, Phases, withPhases } from "../../phases.js";

/**
 * Reads papers from files and folders into the index: new papers are added, papers whose text
 * changed are embedded again, the rest are left alone. Only files that changed since the last run
 * are read (see the module comment). Nothing is removed, unless `prune` is set: then the papers
 * whose every file under the paths is gone are removed in the same commit.
 */
export function indexPapers(
  paths: readonly string[],
  options: IndexPapersOptions & ReadOptions,
  onProgress?: ProgressListener,
): Promise<IndexSummary> {
  const phases = new Phases();
  return withPhases(phases, () => catchUp(paths, options, phases, onProgress));
}

/** indexPapers, timed by `phases`. */
async function catchUp(paths: readonly string[], options: IndexPapersOptions & ReadOptions, phases: Phases, onProgress?: ProgressListener): Promise<IndexSummary> {
  const started = performance.now();
  const store = await openStore(options);
  try {
    const live = options.rebuild ? null : await store.liveState();
    const entries = parseFileEntries(live?.state[FILES_STATE]);
    const { files, skipped } = expandPaths(paths);
    // A folder emptied is no mistake when pruning an index that holds its papers: they leave.
    if (files.length === 0 && !(options.prune && live)) throw noInputFiles(paths, skipped);
    const fields = fieldsKey(options.fields);
    const checked = await phase("check files", () => checkFiles(files, entries, fields));
    const byPath = new Map(checked.map((c) => [c.path, c]));
    const roots = paths.filter((path) => path !== STDIN_PATH).map((path) => resolve(path));
    const gone = goneFiles(entries, roots, byPath);

    // What to parse: changed files, and every file sharing a paper with one (or, pruning, with a gone one).
    const reading = new Set(checked.filter((c) => c.status === "changed").map((c) => c.path));
    const goneIds = options.prune ? [...gone].flatMap((path) => entries.get(path)!.ids) : [];
    for (const path of sharingFiles(reading, byPath.keys(), entries, goneIds)) reading.add(path);
    const read = (): Promise<Corpus> =>
      phase("read", () => readCorpusFiles(checked.filter((c) => reading.has(c.path)).map((c) => c.file), skipped, { fields: options.fields, stdin: options.stdin, limits: options.limits, grobid: options.grobid }, files.length === 1));
    let corpus = reading.size > 0 ? await read() : null;
    // Papers the parsed files give now that an unread file also gives: rebuilt from both.
    for (let more = corpus ? sharingFiles(reading, byPath.keys(), entries, corpus.papers.map((p) => p.id)) : new Set<string>(); more.size > 0; ) {
      for (const path of more) reading.add(path);
      corpus = await read();
      more = sharingFiles(reading, byPath.keys(), entries, corpus.papers.map((p) => p.id));
    }
    if (corpus && reading.size === checked.length && corpus.papers.length === 0) throw noPapers(paths, corpus);

    const saved = newEntries(checked, reading, corpus, entries, fields);
    const after = new Map(entries);
    for (const [path, entry] of saved) after.set(path, entry);
    const prunable = prunableIds(gone, after);
    const counts = {
      files: checked.map((c) => c.file.name),
      filesUnchanged: checked.filter((c) => !reading.has(c.path) && c.status === "unchanged").length,
      filesHashed: checked.filter((c) => c.sha256 !== null && c.status !== "unchanged").length,
      filesRead: reading.size,
    };
    const papers = corpus?.papers ?? [];
    const unread = unreadIds(checked, reading, entries, papers);
    const dropped = options.prune ? gone : new Set<string>();
    const removeIf = options.prune && prunable.size > 0 ? (paper: Paper) => prunable.has(paper.id.toLowerCase()) && paper.sources.every((source) => gone.has(sourcePath(source.file))) : undefined;
    // Stamps alone (a touched file, a stamp too recent to trust) make no commit: they are saved
    // with the next one, and meanwhile such a file is hashed again. Nothing to write still goes
    // through the store's update, under its writer lock (another writer busy: wait or refuse).
    const stampsOnly = !corpus && dropped.size === 0;
    const state = stampsOnly ? undefined : fileStateChanges(saved, dropped, !!options.rebuild);
    const summary = await updateOpenStore(store, papers, options, onProgress, removeIf, state);
    return {
      ...summary,
      unchanged: summary.unchanged + unread,
      ...counts,
      skipped: corpus?.skipped ?? skipped,
      pruned: options.prune ? summary.removed : 0,
      prunable: options.prune ? 0 : prunable.size,
      seconds: seconds(started),
      phases: phases.seconds(),
    };
  } finally {
    await store.close();
  }
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}

/**
 * The entries to save: each file parsed (with the ids of the papers it gave now) and each file
 * whose stamp changed but not its bytes. A file that could not be opened is not saved, so the next
 * run tries it again; nor is standard input. A stamp too recent to trust is saved so that the next
 * run hashes the file again (file-stamps.ts RACY_MS).
 */
function newEntries(checked: readonly CheckedFile[], reading: ReadonlySet<string>, corpus: Corpus | null, entries: FileEntries, fields: string): Map<string, FileEntry> {
  const saved = new Map<string, FileEntry>();
  const idsOf = new Map<string, Set<string>>();
  const pathOf = new Map(checked.map((c) => [c.file.name, c.path]));
  for (const paper of corpus?.papers ?? []) {
    for (const source of paper.sources) {
      const path = pathOf.get(source.file);
      if (path === undefined) continue;
      const ids = idsOf.get(path) ?? new Set<string>();
      ids.add(paper.id);
      idsOf.set(path, ids);
    }
  }
  const unopened = new Set((corpus?.skipped ?? []).filter((s) => s.kind === "file" && s.reason.startsWith("cannot read")).map((s) => s.file));
  for (const c of checked) {
    if (c.stamp === null || c.sha256 === null || unopened.has(c.file.name)) continue;
    const stamp = savedStamp(c.stamp, c.checkedAt);
    if (reading.has(c.path)) saved.set(c.path, { ...stamp, sha256: c.sha256, ids: [...(idsOf.get(c.path) ?? [])], fields });
    else if (c.status === "same-content") saved.set(c.path, { ...entries.get(c.path)!, ...stamp });
  }
  return saved;
}

/** Distinct papers of the files not parsed (by their saved entries), not among those written. */
function unreadIds(checked: readonly CheckedFile[], reading: ReadonlySet<string>, entries: FileEntries, written: readonly Paper[]): number {
  const ids = new Set<string>();
  for (const c of checked) if (!reading.has(c.path)) for (const id of entries.get(c.path)?.ids ?? []) ids.add(id.toLowerCase());
  for (const paper of written) ids.delete(paper.id.toLowerCase());
  return ids.size;
}

/**
 * The change to the files state, applied under the writer lock to the state as it is then (another
 * run may have saved other files meanwhile): `saved` set, `dropped` removed; a rebuild keeps only `saved`.
 */
function fileStateChanges(saved: ReadonlyMap<string, FileEntry>, dropped: ReadonlySet<string>, rebuild: boolean): IndexStateChanges {
  return (previous) => {
    const entries = rebuild ? new Map<string, FileEntry>() : parseFileEntries(previous[FILES_STATE]);
    for (const path of dropped) entries.delete(path);
    for (const [path, entry] of saved) entries.set(path, entry);
    const value: Record<string, unknown> = {};
    for (const [path, entry] of entries) value[path] = serializeFileEntry(entry);
    return { ...(rebuild ? rebuildDrops(FILES_STATE) : {}), [FILES_STATE]: entries.size > 0 ? value : null };
  };
}

/**
 * Indexes papers already read (by a reader of another format, say): one update of the store the
 * options name, under its writer lock and in one commit; see indexPapers.
 */
export async function indexPaperList(
  papers: readonly Paper[],
  files: string[],
  options: IndexOptions,
  onProgress?: ProgressListener,
): Promise<IndexSummary> {
  const started = performance.now();
  // Timed within the caller's run when it times one.
  const phases = currentPhases() ?? new Phases();
  return withPhases(phases, async () => {
    const store = await openStore(options);
    try {
      const summary = await updateOpenStore(store, papers, options, onProgress, undefined, undefined);
      return { ...wholeReadSummary(summary, files, [], started), phases: phases.seconds() };
    } finally {
      await store.close();
    }
  });
}

/** The summary of a run that read the whole of its input (no file stamps, nothing pruned). */
export function wholeReadSummary(summary: UpdateSummary, files: string[], skipped: Skipped[], started: number): IndexSummary {
  return { ...summary, files, skipped, seconds: seconds(started), filesUnchanged: 0, filesHashed: 0, filesRead: files.length, pruned: 0, prunable: 0 };
}

/**
 * One update of an open store, under its writer lock and in one commit: `papers` added or replaced,
 * the stored papers `removeIf` picks removed (UpdateOptions.removeIf), the named state changes given.
 */
export async function updateOpenStore(
  store: IndexStore,
  papers: readonly Paper[],
  options: IndexOptions,
  onProgress: ProgressListener | undefined,
  removeIf: UpdateOptions["removeIf"],
  state: IndexStateChanges | undefined,
): Promise<UpdateSummary> {
  const { model, load } = await indexModel(store, options);
  return store.update(
    papers,
    model,
    load,
    { rebuild: options.rebuild, checkpointEvery: options.checkpointEvery, wait: options.wait, computeMap: options.computeMap, removeIf, onProgress, state },
  );
}

/**
 * The model an update of `store` embeds with: an existing index keeps its own unless the options
 * name another (and then the update needs `rebuild`); else the options', else the default.
 */
export async function indexModel(store: IndexStore, options: IndexOptions): Promise<{ model: StoreModel; load: () => Promise<Embedder> }> {
  const built = options.rebuild ? undefined : await store.builtModel();
  const dtype = options.dtype ?? built?.dtype ?? DEFAULT_DTYPE;
  const loader = embedderLoader(options);
  const spec = await loader.describe(options.model ?? built?.id ?? DEFAULT_MODEL, dtype);
  return { model: { spec, dtype }, load: () => loader.load(spec, dtype) };
}
