/**
 * The PostgreSQL store: one library in one schema of a database with pgvector, shared by many
 * readers and one writer at a time, on as many machines as reach the database.
 *
 * - papers: one row per paper with its vector (`vector(N)`, HNSW with vector_cosine_ops and the
 *   folder store's M and ef), btree on year, GIN on categories (an array) and on authors (trigrams,
 *   as the author filter matches part of a name);
 * - postings and lengths: papers' own BM25 postings (the same blobs as the folder store's SQLite),
 *   scored in this process with the same code, so lexical and hybrid rank as with folders;
 * - facts: the live generation number and the manifest (model, dtype, dimension, embedding facts),
 *   read in the same snapshot as every query: a library rebuilt with another model since it was
 *   opened is refused, never compared with the wrong vectors;
 * - checkpoint: vectors embedded by a run that has not committed yet, one commit per batch, so a
 *   killed run resumes; the update itself is one transaction, all or nothing.
 *
 * The files beside this one: pool.ts (connections, snapshots), facts.ts, lock.ts (one writer per
 * library: a session advisory lock), schema.ts (tables, in a schema papers owns), writer.ts,
 * reader.ts (a generation read), sql.ts (SQL from a search's scope), vectors.ts.
 */
import { documentText, type Paper } from "../../corpus/paper.js";
import type { Embedder } from "../../embed/embedder.js";
import { specDifferences, specFacts } from "../../embed/models.js";
import { PapersError } from "../../errors.js";
import { phase } from "../../phases.js";
import { DEFAULT_HNSW } from "../shared/hnsw.js";
import { FORMAT_VERSION, TOPIC_MAP_FILE, corpusFingerprint, type Manifest } from "../shared/manifest.js";
import { mergeIndexState, type IndexState, type IndexStateChanges } from "../shared/index-state.js";
import { catalogOf, nextCitations } from "../shared/citations-store.js";
import { readCitations, storeCitations } from "./citations.js";
import { diffPapers, removalTest, toEmbed } from "../shared/paper-diff.js";
import { sameLikes, type SavedLikes } from "../shared/likes.js";
import type { GenerationReader, IndexStore, LikesUpdate, RemoveSummary, StoreModel, UpdateOptions, UpdateSummary } from "../store.js";
import { generationName, modelKeyOf, nextPassageLabel, passageCount, readFacts, writeFacts } from "./facts.js";
import { readLikes, writeLikes } from "./likes.js";
import { withWriterLock } from "./lock.js";
import { Database } from "./pool.js";
import { PostgresGeneration } from "./reader.js";
import { createTables, createVectorIndex, ensureSchema } from "./schema.js";
import { BATCH, deletePapers, embedChanged, readIndexState, replacePassages, storeIndexState, storeTopicMap, storedEntries, upsertPapers, writePostings, type StoredRow } from "./writer.js";

export class PostgresStore implements IndexStore {
  private constructor(private readonly db: Database) {}

  static async connect(location: string): Promise<PostgresStore> {
    return new PostgresStore(await Database.connect(location));
  }

  get location(): string {
    return this.db.location;
  }

  private get s(): string {
    return this.db.schema;
  }

  async liveGeneration(): Promise<string | null> {
    const facts = await readFacts(this.db);
    return facts && generationName(facts.generation);
  }

  async isEmpty(): Promise<boolean> {
    return (await readFacts(this.db)) === null;
  }

  async builtModel(): Promise<Manifest["model"] | undefined> {
    return (await readFacts(this.db))?.manifest.model;
  }

  async liveState(): Promise<{ manifest: Manifest; state: IndexState } | null> {
    const facts = await readFacts(this.db);
    return facts && { manifest: facts.manifest, state: await readIndexState(this.db, this.location, false) };
  }

  async open(check: (manifest: Manifest) => void = () => {}): Promise<GenerationReader> {
    // The facts and the likes of one generation: read in one snapshot.
    const { facts, likes } = await this.db.snapshot(async (client) => {
      const facts = await readFacts(this.db, client);
      return { facts, likes: facts ? await readLikes(client, this.s) : null };
    });
    if (!facts || !likes) throw new PapersError("NO_INDEX", `no index at ${this.location}: run \`papers --store URL index [paths...]\` first`);
    check(facts.manifest);
    return new PostgresGeneration(this.db, facts, await passageCount(this.db), likes);
  }

  async update(papers: readonly Paper[], model: StoreModel, loadEmbedder: () => Promise<Embedder>, options: UpdateOptions): Promise<UpdateSummary> {
    return withWriterLock(this.db, options.wait, async () => {
      await ensureSchema(this.db);
      const previous = options.rebuild ? null : await readFacts(this.db);
      const modelKey = modelKeyOf(model);
      if (previous && previous.modelKey !== modelKey) {
        const differences = specDifferences(previous.manifest.model, model.spec);
        if (previous.manifest.model.dtype !== model.dtype) differences.push(`dtype ${previous.manifest.model.dtype} vs ${model.dtype}`);
        throw new PapersError(
          "MODEL_MISMATCH",
          `index at ${this.location} was built with ${previous.manifest.model.id} (${previous.manifest.model.dtype}), which embeds differently from ${model.spec.id} (${model.dtype}) now (${differences.join("; ")}): add --rebuild to re-embed everything`,
        );
      }
      const stored = previous ? await phase("read index", () => storedEntries(this.db)) : new Map<string, StoredRow>();
      let nextLabel = 0;
      for (const entry of stored.values()) nextLabel = Math.max(nextLabel, entry.label + 1);
      // Passages take labels from the papers' label space, as in folders.
      if (previous) nextLabel = Math.max(nextLabel, await nextPassageLabel(this.db));
      const removes = removalTest(papers, options.removeIf);
      const doomed = [...stored].filter(([, entry]) => removes(entry.paper));
      const { changed, added, updated, unchanged, refreshed, kept, nextLabel: afterPapers } = diffPapers(papers, stored, nextLabel, options.keepStored);
      const summary = { added, updated, unchanged, refreshed, removed: doomed.length, kept };
      const doomedIds = doomed.map(([, entry]) => entry.paper.id);
      const citations = nextCitations(previous ? await readCitations(this.db, this.location) : null, papers, { changed, kept }, doomedIds, () =>
        catalogOf([...stored.values()].map((entry) => entry.paper), changed, doomedIds),
      );
      // The named state outlives a rebuild: read before the tables are made anew.
      const { state, changed: stateChanged } = mergeIndexState(await readIndexState(this.db, this.location, !!options.rebuild), options.state);
      // A library written before topics existed gets its topic map now, with nothing else changed.
      const mapDone = async () => options.computeMap === false || (await this.db.query(`SELECT 1 FROM ${this.s}.artifacts WHERE name = $1`, [TOPIC_MAP_FILE])).rows.length > 0;
      if (previous && changed.length === 0 && doomed.length === 0 && !stateChanged && !citations.changed && (await mapDone())) return { manifest: previous.manifest, ...summary, resumed: 0, embedded: 0, recovered: null };

      const { passages, texts } = toEmbed(changed, afterPapers);
      const vectors = await embedChanged(this.db, texts, `${model.spec.id}/${model.dtype}`, loadEmbedder, options);

      const manifest = await this.db.transaction(async (client) => {
        const fresh = !previous;
        if (fresh) await createTables(client, this.s, model.spec.dimension);
        const removed = await deletePapers(client, this.s, model.spec.dimension, doomed.map(([, entry]) => ({ label: entry.label, ...entry.paper })));
        await phase("papers", async () => {
          for (let start = 0; start < changed.length; start += BATCH) await upsertPapers(client, this.s, changed.slice(start, start + BATCH), vectors);
        });
        const passageChanges = await replacePassages(client, this.s, model.spec.dimension, fresh, passages, vectors);
        await phase("postings", () => writePostings(client, this.s, [...removed, ...changed.map((c) => ({ label: c.label, before: c.before, after: documentText(c.paper) })), ...passageChanges]));
        if (fresh) await phase("hnsw", () => createVectorIndex(client, this.s));
        const embedded = new Set(changed.filter((c) => c.embed).map((c) => c.label));
        await phase("topic map", () => storeTopicMap(client, this.s, this.location, embedded, options.computeMap !== false));
        await storeIndexState(client, this.s, state);
        await storeCitations(client, this.s, citations.data);
        const entries = new Map<string, string>([...stored].map(([id, e]) => [id, e.hash]));
        for (const [id] of doomed) entries.delete(id);
        for (const c of changed) entries.set(c.paper.id.toLowerCase(), c.hash);
        const next: Manifest = {
          formatVersion: FORMAT_VERSION,
          model: { ...specFacts(model.spec), dtype: model.dtype },
          count: entries.size,
          builtAt: new Date().toISOString(),
          fingerprint: corpusFingerprint(entries),
          hnsw: DEFAULT_HNSW,
          deletedVectors: 0,
          files: {},
        };
        await writeFacts(client, this.s, next, modelKey);
        // TRUNCATE gives the space back at once (DELETE would leave it to vacuum); only writers,
        // one at a time under the advisory lock, ever touch this table.
        await client.query(`TRUNCATE ${this.s}.checkpoint`);
        return next;
      });
      return { manifest, ...summary, resumed: vectors.resumed, embedded: vectors.embedded, recovered: null };
    });
  }

  async remove(ids: readonly string[], options: { wait?: boolean; state?: IndexStateChanges }): Promise<RemoveSummary> {
    if (!(await readFacts(this.db))) throw new PapersError("NO_INDEX", `no index at ${this.location}: nothing to remove`);
    return withWriterLock(this.db, options.wait, async () => {
      const facts = await readFacts(this.db);
      if (!facts) throw new PapersError("NO_INDEX", `no index at ${this.location}: nothing to remove`);
      const { rows } = await this.db.query<{ label: number; id: string; title: string | null; abstract: string }>(
        `SELECT label, id, title, abstract FROM ${this.s}.papers WHERE lower(id) = ANY($1)`,
        [ids.map((id) => id.toLowerCase())],
      );
      const found = new Map(rows.map((row) => [row.id.toLowerCase(), row]));
      for (const id of ids) {
        if (!found.has(id.toLowerCase())) throw new PapersError("UNKNOWN_ID", `no paper with id "${id}" in the index: nothing was removed`);
      }
      const gone = [...found.values()];
      const citations = nextCitations(await readCitations(this.db, this.location), [], { changed: [], kept: [] }, gone.map((row) => row.id), () => []);
      const manifest = await this.db.transaction(async (client) => {
        await writePostings(client, this.s, await deletePapers(client, this.s, facts.manifest.model.dimension, gone));
        if (citations.changed) await storeCitations(client, this.s, citations.data);
        await storeTopicMap(client, this.s, this.location, new Set(), true);
        if (options.state) await storeIndexState(client, this.s, mergeIndexState(await readIndexState(this.db, this.location, false), options.state).state);
        const left = await client.query<{ id: string; content_hash: string }>(`SELECT id, content_hash FROM ${this.s}.papers`);
        const next: Manifest = {
          ...facts.manifest,
          count: left.rows.length,
          builtAt: new Date().toISOString(),
          fingerprint: corpusFingerprint(left.rows.map((row) => [row.id, row.content_hash] as const)),
        };
        await writeFacts(client, this.s, next, facts.modelKey);
        return next;
      });
      return { manifest, removed: gone.length, recovered: null };
    });
  }

  async updateLikes(change: LikesUpdate, options: { wait?: boolean }): Promise<SavedLikes> {
    const none = () => new PapersError("NO_INDEX", `no index at ${this.location}: run \`papers --store URL index [paths...]\` first`);
    if (!(await readFacts(this.db))) throw none();
    return withWriterLock(this.db, options.wait, async () => {
      const facts = await readFacts(this.db);
      if (!facts) throw none();
      const saved = await this.db.withClient((client) => readLikes(client, this.s));
      const next = await change(saved, async (id) => {
        const { rows } = await this.db.query<{ id: string }>(`SELECT id FROM ${this.s}.papers WHERE lower(id) = lower($1)`, [id]);
        return rows[0]?.id;
      });
      if (sameLikes(saved, next)) return saved;
      await this.db.transaction(async (client) => {
        await writeLikes(client, this.s, next);
        // A new generation, with the same papers: readers and servers tell new likes by it.
        await writeFacts(client, this.s, facts.manifest, facts.modelKey);
      });
      return next;
    });
  }

  async close(): Promise<void> {
    await this.db.end();
  }
}
