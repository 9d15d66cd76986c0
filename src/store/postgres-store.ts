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
 * One writer per library: a session advisory lock, which Postgres drops when the writer's
 * connection goes, however its process died. Readers take no lock: MVCC gives each query the last
 * committed generation.
 */
import { hostname } from "node:os";
import pg from "pg";
import { contentHash, documentText, passageText, type Paper } from "../corpus/paper.js";
import type { Passage } from "../corpus/passages.js";
import type { Embedder } from "../embed/embedder.js";
import { specDifferences, specFacts } from "../embed/models.js";
import { PapersError } from "../errors.js";
import { FORMAT_VERSION, corpusFingerprint, type Manifest } from "../index/manifest.js";
import { diffPapers, embedMissing, paperFieldsJson, toEmbed, type UpdateOptions, type UpdateSummary } from "../index/update-index.js";
import { DEFAULT_HNSW } from "../index/vector-index.js";
import { queryTerms } from "../search/analyzer.js";
import { bm25TermScores, bm25TopK, lengthNorms, type Postings, type TermScore } from "../search/bm25.js";
import { hasConditions, type PaperFilter } from "../search/filter.js";
import type { Scored } from "../search/fusion.js";
import type { RecommendSource } from "../search/recommend.js";
import { parsePostgresUrl, type PostgresTarget } from "./connection.js";
import { EXACT_SCAN_LIMIT } from "./folder-store.js";
import { buildTopicMap, memoryMapSource, type MapSource } from "../index/topic-map-build.js";
import { TOPIC_MAP_FILE, parseTopicMap } from "../index/topic-map-store.js";
import type { TopicMap } from "../map/topic-map.js";
import { mergePostings } from "../index/lexical-index.js";
import { toPaper, type PaperRow } from "../index/paper-store.js";
import { collectChanges, decodePostings } from "./postings.js";
import { withPrefetchedSource } from "./prefetched-source.js";
import type { GenerationReader, IndexStore, RemoveSummary, SearchScope, StoreModel } from "./store.js";

/** Filters whose matching labels a reader keeps (see PostgresGeneration.allowed). */
const ALLOWED_SETS = 64;
/** Lexical scopes over papers and passages a reader keeps: fewer, as each may hold every passage's label. */
const SCOPED_SETS = 8;
/** Rows written per statement while loading. */
const BATCH = 1000;
/** How often a waiting writer asks for the lock again. */
const LOCK_POLL_MS = 200;
/** The advisory lock's first key ("papr"); the second is the schema's hash, so libraries in one database do not share a lock. */
const LOCK_CLASS = 0x70617072;

interface Facts {
  generation: number;
  modelKey: string;
  manifest: Manifest;
}

/** What every read checks first, in its own snapshot. */
interface SnapshotFacts {
  generation: number;
  modelKey: string;
  model: string;
  dtype: string;
}

const PAPER_COLUMNS = "label, id, content_hash, title, abstract, arxiv_id, doi, journal_ref, comments, authors, categories, year, sources";

export class PostgresStore implements IndexStore {
  private constructor(
    private readonly target: PostgresTarget,
    private readonly pool: pg.Pool,
  ) {}

  static async connect(location: string): Promise<PostgresStore> {
    const target = parsePostgresUrl(location);
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: 8,
      application_name: `papers (pid ${process.pid} on ${hostname()})`,
    });
    // An idle client's error (the server restarting) must not crash a server process.
    pool.on("error", () => {});
    const store = new PostgresStore(target, pool);
    try {
      await store.query("SELECT 1");
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return store;
  }

  get location(): string {
    return this.target.display;
  }

  private get s(): string {
    return this.target.schema;
  }

  async liveGeneration(): Promise<string | null> {
    const facts = await this.readFacts();
    return facts && generationName(facts.generation);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.readFacts()) === null;
  }

  async builtModel(): Promise<Manifest["model"] | undefined> {
    return (await this.readFacts())?.manifest.model;
  }

  async open(check: (manifest: Manifest) => void = () => {}): Promise<GenerationReader> {
    const facts = await this.readFacts();
    if (!facts) throw new PapersError("NO_INDEX", `no index at ${this.location}: run \`papers --store URL index [paths...]\` first`);
    check(facts.manifest);
    return new PostgresGeneration(this, facts, await this.passageCount());
  }

  async update(papers: readonly Paper[], model: StoreModel, loadEmbedder: () => Promise<Embedder>, options: UpdateOptions): Promise<UpdateSummary> {
    return this.withWriterLock(options.wait, async () => {
      await this.ensureSchema();
      const previous = options.rebuild ? null : await this.readFacts();
      const modelKey = modelKeyOf(model);
      if (previous && previous.modelKey !== modelKey) {
        const differences = specDifferences(previous.manifest.model, model.spec);
        if (previous.manifest.model.dtype !== model.dtype) differences.push(`dtype ${previous.manifest.model.dtype} vs ${model.dtype}`);
        throw new PapersError(
          "MODEL_MISMATCH",
          `index at ${this.location} was built with ${previous.manifest.model.id} (${previous.manifest.model.dtype}), which embeds differently from ${model.spec.id} (${model.dtype}) now (${differences.join("; ")}): add --rebuild to re-embed everything`,
        );
      }
      const stored = previous ? await this.storedEntries() : new Map<string, StoredRow>();
      let nextLabel = 0;
      for (const entry of stored.values()) nextLabel = Math.max(nextLabel, entry.label + 1);
      // Passages take labels from the papers' label space, as in folders.
      if (previous) nextLabel = Math.max(nextLabel, await this.nextPassageLabel());
      const { changed, added, updated, unchanged, nextLabel: afterPapers } = diffPapers(papers, stored, nextLabel);
      const summary = { added, updated, unchanged, removed: 0 };
      // A library written before topics existed gets its topic map now, with nothing else changed.
      const mapDone = async () => options.computeMap === false || (await this.query(`SELECT 1 FROM ${this.s}.artifacts WHERE name = $1`, [TOPIC_MAP_FILE])).rows.length > 0;
      if (previous && changed.length === 0 && (await mapDone())) return { manifest: previous.manifest, ...summary, resumed: 0, embedded: 0, recovered: null };

      const { passages, texts } = toEmbed(changed, afterPapers);
      const vectors = await this.embedChanged(texts, `${model.spec.id}/${model.dtype}`, loadEmbedder, options);

      const manifest = await this.transaction(async (client) => {
        const fresh = !previous;
        if (fresh) await this.createTables(client, model.spec.dimension);
        for (let start = 0; start < changed.length; start += BATCH) {
          await upsertPapers(client, this.s, changed.slice(start, start + BATCH), vectors);
        }
        const passageChanges = await replacePassages(client, this.s, model.spec.dimension, fresh, passages, vectors);
        await writePostings(client, this.s, [...changed.map((c) => ({ label: c.label, before: c.before, after: documentText(c.paper) })), ...passageChanges]);
        if (fresh) await this.createVectorIndex(client);
        const embedded = new Set(changed.filter((c) => c.embed).map((c) => c.label));
        await storeTopicMap(client, this.s, this.location, embedded, options.computeMap !== false);
        const entries = new Map<string, string>([...stored].map(([id, e]) => [id, e.hash]));
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
        await this.writeFacts(client, next, modelKey);
        // TRUNCATE gives the space back at once (DELETE would leave it to vacuum); only writers,
        // one at a time under the advisory lock, ever touch this table.
        await client.query(`TRUNCATE ${this.s}.checkpoint`);
        return next;
      });
      return { manifest, ...summary, resumed: vectors.resumed, embedded: vectors.embedded, recovered: null };
    });
  }

  async remove(ids: readonly string[], options: { wait?: boolean }): Promise<RemoveSummary> {
    if (!(await this.readFacts())) throw new PapersError("NO_INDEX", `no index at ${this.location}: nothing to remove`);
    return this.withWriterLock(options.wait, async () => {
      const facts = await this.readFacts();
      if (!facts) throw new PapersError("NO_INDEX", `no index at ${this.location}: nothing to remove`);
      const { rows } = await this.query<{ label: number; id: string; title: string | null; abstract: string }>(
        `SELECT label, id, title, abstract FROM ${this.s}.papers WHERE lower(id) = ANY($1)`,
        [ids.map((id) => id.toLowerCase())],
      );
      const found = new Map(rows.map((row) => [row.id.toLowerCase(), row]));
      for (const id of ids) {
        if (!found.has(id.toLowerCase())) throw new PapersError("UNKNOWN_ID", `no paper with id "${id}" in the index: nothing was removed`);
      }
      const gone = [...found.values()];
      const manifest = await this.transaction(async (client) => {
        await client.query(`DELETE FROM ${this.s}.papers WHERE label = ANY($1)`, [gone.map((row) => row.label)]);
        // A removed paper takes its passages with it.
        const passagesGone = await replacePassages(client, this.s, facts.manifest.model.dimension, false, gone.map((row) => ({ paperLabel: row.label, passages: [] })), new Map());
        await writePostings(client, this.s, [...gone.map((row) => ({ label: row.label, before: documentText(row) })), ...passagesGone]);
        await storeTopicMap(client, this.s, this.location, new Set(), true);
        const left = await client.query<{ id: string; content_hash: string }>(`SELECT id, content_hash FROM ${this.s}.papers`);
        const next: Manifest = {
          ...facts.manifest,
          count: left.rows.length,
          builtAt: new Date().toISOString(),
          fingerprint: corpusFingerprint(left.rows.map((row) => [row.id, row.content_hash] as const)),
        };
        await this.writeFacts(client, next, facts.modelKey);
        return next;
      });
      return { manifest, removed: gone.length, recovered: null };
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** @internal A query on any pooled connection, its connection errors turned into STORE_UNREACHABLE. */
  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unreachable(error);
    }
    try {
      return await client.query<R>(text, values);
    } finally {
      client.release();
    }
  }

  /**
   * @internal Runs `work` in one read-only snapshot, every statement seeing the same committed
   * generation, with the library's facts as that snapshot has them (read in the same round trip).
   */
  async snapshot<T>(work: (client: pg.PoolClient, facts: SnapshotFacts | null) => Promise<T>, settings = ""): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unreachable(error);
    }
    try {
      let facts: SnapshotFacts | null = null;
      try {
        const results = (await client.query(
          `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${settings}SELECT generation, model_key, manifest->'model'->>'id' AS model, manifest->'model'->>'dtype' AS dtype FROM ${this.s}.facts`,
        )) as unknown as pg.QueryResult[];
        const row = results.at(-1)?.rows[0];
        facts = row ? { generation: Number(row.generation), modelKey: row.model_key as string, model: row.model as string, dtype: row.dtype as string } : null;
      } catch (error) {
        // No facts table: the library was dropped (undefined_table), and is gone.
        if ((error as { code?: string }).code !== "42P01") throw error;
        await client.query(`ROLLBACK; BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${settings}`);
      }
      const result = await work(client, facts);
      // Not awaited: node-postgres runs a connection's queries in order, so whoever takes this
      // connection from the pool next is queued behind the COMMIT; the answer need not wait for it.
      client.query("COMMIT").catch(() => {});
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** @internal */
  get schema(): string {
    return this.s;
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private unreachable(error: unknown): Error {
    if (error instanceof PapersError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new PapersError("STORE_UNREACHABLE", `cannot reach the database at ${this.location} (${reason}): check that PostgreSQL is running and the connection string is right`);
  }

  /** The live generation's facts, or null when this schema holds no committed library. */
  async readFacts(client?: pg.ClientBase): Promise<Facts | null> {
    const run = (text: string, values?: unknown[]) => (client ? client.query(text, values) : this.query(text, values));
    const exists = await run("SELECT to_regclass($1) AS t", [`${this.s}.facts`]);
    if (!exists.rows[0].t) return null;
    const { rows } = await run(`SELECT generation, model_key, manifest FROM ${this.s}.facts`);
    if (rows.length === 0) return null;
    return { generation: Number(rows[0].generation), modelKey: rows[0].model_key as string, manifest: rows[0].manifest as Manifest };
  }

  private async writeFacts(client: pg.PoolClient, manifest: Manifest, modelKey: string): Promise<void> {
    await client.query(
      `INSERT INTO ${this.s}.facts (one, generation, model_key, manifest) VALUES (true, 1, $1, $2)
       ON CONFLICT (one) DO UPDATE SET generation = ${this.s}.facts.generation + 1, model_key = $1, manifest = $2`,
      [modelKey, JSON.stringify(manifest)],
    );
  }

  /** How many passages the library holds (none when it has no passages table: built before passages were kept here). */
  private async passageCount(): Promise<number> {
    const { rows } = await this.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [`${this.s}.passages`]);
    if (!rows[0]!.t) return 0;
    return Number((await this.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}.passages`)).rows[0]!.n);
  }

  /** One past the highest passage label, 0 when there are none. */
  private async nextPassageLabel(): Promise<number> {
    const { rows } = await this.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [`${this.s}.passages`]);
    if (!rows[0]!.t) return 0;
    return Number((await this.query<{ n: number }>(`SELECT coalesce(max(label) + 1, 0) AS n FROM ${this.s}.passages`)).rows[0]!.n);
  }

  private async ensureSchema(): Promise<void> {
    try {
      await this.query("CREATE EXTENSION IF NOT EXISTS vector");
      await this.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new PapersError("STORE_UNREACHABLE", `the database at ${this.location} lacks pgvector or pg_trgm (${reason}): install pgvector 0.8+, or have an administrator run CREATE EXTENSION vector; CREATE EXTENSION pg_trgm`);
    }
    await this.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
    await this.query(`CREATE TABLE IF NOT EXISTS ${this.s}.checkpoint (hash text PRIMARY KEY, model text NOT NULL, vector bytea NOT NULL)`);
  }

  /** A new library, or one rebuilt: its tables made anew inside the update's transaction. */
  private async createTables(client: pg.PoolClient, dimension: number): Promise<void> {
    const s = this.s;
    await client.query(`DROP TABLE IF EXISTS ${s}.papers, ${s}.postings, ${s}.lengths, ${s}.artifacts`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.facts (
      one boolean PRIMARY KEY DEFAULT true CHECK (one),
      generation bigint NOT NULL,
      model_key text NOT NULL,
      manifest jsonb NOT NULL
    )`);
    await client.query(`CREATE TABLE ${s}.papers (
      label integer PRIMARY KEY,
      id text NOT NULL,
      content_hash text NOT NULL,
      title text,
      abstract text NOT NULL,
      arxiv_id text,
      doi text,
      journal_ref text,
      comments text NOT NULL,
      authors text NOT NULL,
      categories text NOT NULL,
      year integer,
      sources text NOT NULL,
      category_keys text[] NOT NULL,
      author_text text NOT NULL,
      embedding vector(${dimension})
    )`);
    await client.query(`CREATE UNIQUE INDEX papers_id ON ${s}.papers (lower(id))`);
    await client.query(`CREATE INDEX papers_year ON ${s}.papers (year)`);
    await client.query(`CREATE INDEX papers_categories ON ${s}.papers USING gin (category_keys)`);
    await client.query(`CREATE INDEX papers_authors ON ${s}.papers USING gin (author_text gin_trgm_ops)`);
    await client.query(`CREATE TABLE ${s}.postings (term text PRIMARY KEY, postings bytea NOT NULL)`);
    await client.query(`CREATE TABLE ${s}.lengths (label integer PRIMARY KEY, length integer NOT NULL)`);
    await client.query(`CREATE TABLE ${s}.artifacts (name text PRIMARY KEY, data bytea NOT NULL)`);
  }

  /** Built once the rows are in: much faster than growing the graph a row at a time. */
  private async createVectorIndex(client: pg.PoolClient): Promise<void> {
    // The graph builds fastest while it fits in this memory (PAPERS_PG_BUILD_MEMORY, e.g. 4GB for millions of papers).
    const memory = process.env.PAPERS_PG_BUILD_MEMORY ?? "1GB";
    if (!/^\d+\s*(kB|MB|GB)$/.test(memory)) throw new PapersError("BAD_OPTION", `PAPERS_PG_BUILD_MEMORY must look like 1GB or 512MB, not "${memory}"`);
    await client.query(`SET LOCAL maintenance_work_mem = '${memory}'`);
    await client.query(
      `CREATE INDEX papers_embedding ON ${this.s}.papers USING hnsw (embedding vector_cosine_ops) WITH (m = ${DEFAULT_HNSW.m}, ef_construction = ${DEFAULT_HNSW.efConstruction})`,
    );
  }

  private async storedEntries(): Promise<Map<string, StoredRow>> {
    const { rows } = await this.query<PaperRow>(`SELECT ${PAPER_COLUMNS} FROM ${this.s}.papers`);
    return new Map(
      rows.map((row) => {
        const paper = toPaper(row);
        return [row.id.toLowerCase(), { label: row.label, hash: row.content_hash, json: paperFieldsJson(paper), text: documentText(paper) }];
      }),
    );
  }

  /** Embeds what needs embedding, reusing and extending the checkpoint table (one commit per batch). */
  private async embedChanged(
    wanted: ReadonlyMap<string, string>,
    modelKey: string,
    loadEmbedder: () => Promise<Embedder>,
    options: UpdateOptions,
  ): Promise<Map<string, Float32Array> & { resumed: number; embedded: number }> {
    const table = `${this.s}.checkpoint`;
    await this.query(`DELETE FROM ${table} WHERE model <> $1`, [modelKey]);
    const vectors = new Map<string, Float32Array>();
    const hashes = [...wanted.keys()];
    for (let start = 0; start < hashes.length; start += 10 * BATCH) {
      const { rows } = await this.query<{ hash: string; vector: Buffer }>(`SELECT hash, vector FROM ${table} WHERE hash = ANY($1)`, [hashes.slice(start, start + 10 * BATCH)]);
      for (const row of rows) vectors.set(row.hash, bufferToVector(row.vector));
    }
    return embedMissing(wanted, vectors, loadEmbedder, options, async (pairs) => {
      await this.query(
        `INSERT INTO ${table} (hash, model, vector) SELECT h, $2, v FROM unnest($1::text[], $3::bytea[]) AS t(h, v) ON CONFLICT (hash) DO NOTHING`,
        [pairs.map(([hash]) => hash), modelKey, pairs.map(([, vector]) => vectorToBuffer(vector))],
      );
    });
  }

  private async withWriterLock<T>(wait: boolean | undefined, body: () => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unreachable(error);
    }
    const key = `papers:${this.s}`;
    try {
      for (;;) {
        const { rows } = await client.query("SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok", [LOCK_CLASS, key]);
        if (rows[0].ok) break;
        if (!wait) {
          throw new PapersError("INDEX_BUSY", `index at ${this.location} is being written by ${await this.lockHolder(client, key)}: wait for it to finish, or add --wait`);
        }
        await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
      }
      try {
        return await body();
      } finally {
        await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, key]).catch(() => {});
      }
    } finally {
      client.release();
    }
  }

  private async lockHolder(client: pg.PoolClient, key: string): Promise<string> {
    try {
      const { rows } = await client.query(
        `SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = (hashtext($2)::bigint & 4294967295)::oid AND l.objsubid = 2`,
        [LOCK_CLASS, key],
      );
      if (rows.length === 0) return "another process";
      return `${rows[0].application_name || "another process"} (since ${new Date(rows[0].backend_start).toISOString()})`;
    } catch {
      return "another process";
    }
  }
}

interface StoredRow {
  label: number;
  hash: string;
  json: string;
  text: string;
}

/** One committed generation of a library in PostgreSQL. Every read checks the facts first. */
class PostgresGeneration implements GenerationReader {
  readonly generation: string;
  readonly manifest: Manifest;
  readonly recovered = null;
  readonly vectorCount: number;
  private readonly modelKey: string;
  /** Recent filters' matching labels, by generation and filter. */
  private readonly allowedSets = new Map<string, Set<number>>();
  /** BM25 length norms, loaded once per generation seen. */
  private stats: { generation: number; norms: Float32Array; documents: number } | undefined;
  /** Passage owners, loaded once per generation seen (see ownersIn). */
  private owners: { generation: number; map: Map<number, number> } | undefined;
  /** Recent lexical scopes over papers and passages (see lexicalAllowed). */
  private readonly scopedSets = new Map<string, Set<number>>();

  constructor(
    private readonly store: PostgresStore,
    facts: Facts,
    passages = 0,
  ) {
    this.generation = generationName(facts.generation);
    this.manifest = facts.manifest;
    this.vectorCount = facts.manifest.count + passages;
    this.modelKey = facts.modelKey;
  }

  get location(): string {
    return this.store.location;
  }

  private get s(): string {
    return this.store.schema;
  }

  /**
   * Runs `work` in one snapshot after checking the library's facts in it: a library rebuilt with
   * another model since this reader opened it is refused (its vectors are not this model's).
   */
  private read<T>(work: (client: pg.PoolClient, generation: number) => Promise<T>, settings?: string): Promise<T> {
    return this.store.snapshot(async (client, facts) => {
      if (!facts) throw new PapersError("NO_INDEX", `the index at ${this.location} is gone: it was removed after it was opened`);
      if (facts.modelKey !== this.modelKey) {
        throw new PapersError(
          "MODEL_MISMATCH",
          `index at ${this.location} was rebuilt with ${facts.model} (${facts.dtype}) after it was opened with ${this.manifest.model.id}: open it again`,
        );
      }
      return work(client, facts.generation);
    }, settings);
  }

  async sizeBytes(): Promise<number> {
    const { rows } = await this.store.query<{ bytes: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [this.s],
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  byLabels(labels: readonly number[]): Promise<(Paper | undefined)[]> {
    if (labels.length === 0) return Promise.resolve([]);
    return this.read(async (client) => {
      const { rows } = await client.query<PaperRow>(`SELECT ${PAPER_COLUMNS} FROM ${this.s}.papers WHERE label = ANY($1)`, [labels]);
      const byLabel = new Map(rows.map((row) => [row.label, toPaper(row)]));
      return labels.map((label) => byLabel.get(label));
    });
  }

  byId(id: string): Promise<{ label: number; paper: Paper } | undefined> {
    return this.read(async (client) => {
      const { rows } = await client.query<PaperRow>(`SELECT ${PAPER_COLUMNS} FROM ${this.s}.papers WHERE lower(id) = lower($1)`, [id]);
      return rows[0] && { label: rows[0].label, paper: toPaper(rows[0]) };
    });
  }

  all(): Promise<Paper[]> {
    return this.read(async (client) => (await client.query<PaperRow>(`SELECT ${PAPER_COLUMNS} FROM ${this.s}.papers ORDER BY label`)).rows.map(toPaper));
  }

  page(offset: number, limit: number): Promise<Paper[]> {
    return this.read(async (client) =>
      (await client.query<PaperRow>(`SELECT ${PAPER_COLUMNS} FROM ${this.s}.papers ORDER BY label LIMIT $1 OFFSET $2`, [limit, offset])).rows.map(toPaper),
    );
  }

  count(): Promise<number> {
    return this.read(async (client) => Number((await client.query(`SELECT count(*) AS n FROM ${this.s}.papers`)).rows[0].n));
  }

  vector(label: number): Promise<Float32Array> {
    return this.read(async (client) => {
      const { rows } = await client.query<{ v: string }>(`SELECT embedding::text AS v FROM ${this.s}.papers WHERE label = $1`, [label]);
      if (!rows[0]) throw new PapersError("UNKNOWN_ID", `no paper with label ${label} in the index`);
      return parseVector(rows[0].v);
    });
  }

  vectors(labels: readonly number[]): Promise<Float32Array[]> {
    return this.read(async (client, generation) => {
      const { rows } = await client.query<{ label: number; v: string }>(`SELECT label, embedding::text AS v FROM ${this.s}.papers WHERE label = ANY($1)`, [labels]);
      const byLabel = new Map(rows.map((row) => [row.label, parseVector(row.v)]));
      const owners = await this.ownersIn(client, generation);
      const passages = labels.filter((label) => !byLabel.has(label) && owners.has(label));
      if (passages.length > 0) {
        const found = await client.query<{ label: number; v: string }>(`SELECT label, embedding::text AS v FROM ${this.s}.passages WHERE label = ANY($1)`, [passages]);
        for (const row of found.rows) byLabel.set(row.label, parseVector(row.v));
      }
      return labels.map((label) => {
        const vector = byLabel.get(label);
        if (!vector) throw new PapersError("UNKNOWN_ID", `no paper with label ${label} in the index`);
        return vector;
      });
    });
  }

  labelled(): Promise<{ label: number; paper: Paper }[]> {
    return this.read(async (client) =>
      (await client.query<PaperRow>(`SELECT ${PAPER_COLUMNS} FROM ${this.s}.papers ORDER BY label`)).rows.map((row) => ({ label: row.label, paper: toPaper(row) })),
    );
  }

  /**
   * Exactly k when k papers are in scope: few matching papers (EXACT_SCAN_LIMIT, as the folder
   * store) are compared exactly after the filter's own indexes find them; more are searched in the
   * HNSW graph with pgvector's iterative scan, which keeps walking until k pass the filter (its
   * default plan walks ef candidates and filters afterwards, and comes back short). A graph search
   * that still comes back short falls back to the exact scan.
   */
  denseSearch(vector: Float32Array, k: number, scope: SearchScope = {}): Promise<Scored[]> {
    return this.read(async (client, generation) => {
      // Papers and passages are searched apart (two tables, two graphs), each exactly k deep: the
      // best k of both lists are the best k of all.
      const owners = scope.kind === "papers" ? undefined : await this.ownersIn(client, generation);
      const passages = owners && owners.size > 0 ? await this.densePassagesIn(client, vector, k, scope, owners) : [];
      if (scope.kind === "passages") return passages;
      const papers = await this.densePapersIn(client, vector, k, scope);
      return passages.length === 0 ? papers : sortHits([...papers, ...passages]).slice(0, k);
      // Sent with BEGIN, in the same round trip; SET LOCAL lasts until the snapshot ends.
    }, `SET LOCAL hnsw.ef_search = ${Math.min(1000, Math.max(this.manifest.hnsw.efSearch, k))}; SET LOCAL hnsw.iterative_scan = relaxed_order; `);
  }

  /** Dense search over papers only, in the caller's snapshot (see denseSearch). */
  private async densePapersIn(client: pg.PoolClient, vector: Float32Array, k: number, scope: SearchScope): Promise<Scored[]> {
    const where = conditions(scope.filter, scope.exclude, 2);
    const params = [vectorLiteral(vector), ...where.values];
    const exact = () => this.nearestIn(client, "papers", where.sql, params, k, true);
    let matching: number | undefined;
    if (where.sql) {
      // Numbered from $1 here; the searches number them from $2, after the vector.
      matching = await this.countUpTo(client, "papers", conditions(scope.filter, scope.exclude, 1));
      if (matching <= EXACT_SCAN_LIMIT) return exact();
    }
    const hits = await this.nearestIn(client, "papers", where.sql, params, k, false);
    const available = matching !== undefined ? k : Math.min(k, this.manifest.count - (scope.exclude?.size ?? 0));
    return hits.length >= available ? hits : exact();
  }

  /**
   * Dense search over passages only, in the caller's snapshot: a passage is in scope when its paper
   * passes the filter. Few passages in scope are compared exactly, more searched in their own HNSW
   * graph with the iterative scan, falling back to the exact scan if that comes back short.
   */
  private async densePassagesIn(client: pg.PoolClient, vector: Float32Array, k: number, scope: SearchScope, owners: ReadonlyMap<number, number>): Promise<Scored[]> {
    const where = passageConditions(this.s, scope.filter, scope.exclude, 2);
    const params = [vectorLiteral(vector), ...where.values];
    const exact = () => this.nearestIn(client, "passages", where.sql, params, k, true);
    let excluded = 0;
    for (const label of scope.exclude ?? []) if (owners.has(label)) excluded++;
    let available = Math.min(k, owners.size - excluded);
    if (hasConditions(scope.filter)) {
      if ((await this.countUpTo(client, "passages", passageConditions(this.s, scope.filter, scope.exclude, 1))) <= EXACT_SCAN_LIMIT) return exact();
      available = k;
    } else if (owners.size - excluded <= EXACT_SCAN_LIMIT) {
      return exact();
    }
    const hits = await this.nearestIn(client, "passages", where.sql, params, k, false);
    return hits.length >= available ? hits : exact();
  }

  /**
   * The k rows of a table nearest to $1 within `where`, best first: through its HNSW graph, or
   * (exact) by comparing every row in scope, `+ 0` keeping the planner off the graph.
   */
  private async nearestIn(client: pg.PoolClient, table: "papers" | "passages", where: string, params: unknown[], k: number, exact: boolean): Promise<Scored[]> {
    const order = exact ? "(embedding <=> $1::vector) + 0, label" : "embedding <=> $1::vector";
    const { rows } = await client.query<{ label: number; score: number }>(
      `SELECT label, 1 - (embedding <=> $1::vector) AS score FROM ${this.s}.${table} ${where} ORDER BY ${order} LIMIT ${k}`,
      params,
    );
    return sortHits(rows);
  }

  /** How many rows of a table are in scope, counted no further than EXACT_SCAN_LIMIT + 1. */
  private async countUpTo(client: pg.PoolClient, table: "papers" | "passages", where: { sql: string; values: unknown[] }): Promise<number> {
    const { rows } = await client.query(`SELECT count(*) AS n FROM (SELECT 1 FROM ${this.s}.${table} ${where.sql} LIMIT ${EXACT_SCAN_LIMIT + 1}) s`, where.values);
    return Number(rows[0].n);
  }

  lexicalSearch(text: string, k: number, scope: SearchScope = {}): Promise<Scored[]> {
    return this.read(async (client, generation) => {
      const terms = queryTerms(text);
      const found = await this.postings(client, terms);
      const postings = terms.flatMap((term) => (found.has(term) ? [found.get(term)!] : []));
      if (postings.length === 0) return [];
      const allowed = await this.lexicalAllowed(client, generation, scope);
      const { norms, documents } = await this.loadStats(client, generation);
      const hits = bm25TopK(postings, norms, documents, k + (scope.exclude?.size ?? 0), allowed);
      return scope.exclude ? hits.filter((hit) => !scope.exclude!.has(hit.label)).slice(0, k) : hits;
    });
  }

  documentFrequencies(terms: Iterable<string>): Promise<{ documents: number; frequencies: Map<string, number> }> {
    const list = [...terms];
    return this.read(async (client, generation) => {
      const found = await this.postings(client, list);
      const frequencies = new Map<string, number>();
      for (const term of list) frequencies.set(term, found.get(term)?.labels.length ?? 0);
      return { documents: (await this.loadStats(client, generation)).documents, frequencies };
    });
  }

  termScores(question: string, labels: readonly number[]): Promise<TermScore[][]> {
    return this.read(async (client, generation) => {
      const terms = queryTerms(question);
      const found = await this.postings(client, terms);
      const { norms, documents } = await this.loadStats(client, generation);
      return labels.map((label) => bm25TermScores(terms.map((term) => ({ term, postings: found.get(term) })), label, norms, documents));
    });
  }

  labelsOf(ids: readonly string[]): Promise<(number | undefined)[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.read(async (client) => {
      const { rows } = await client.query<{ id: string; label: number }>(`SELECT id, label FROM ${this.s}.papers WHERE lower(id) = ANY($1)`, [ids.map((id) => id.toLowerCase())]);
      const byId = new Map(rows.map((row) => [row.id.toLowerCase(), row.label]));
      return ids.map((id) => byId.get(id.toLowerCase()));
    });
  }

  passageOwners(): Promise<ReadonlyMap<number, number>> {
    return this.read((client, generation) => this.ownersIn(client, generation));
  }

  async passage(label: number): Promise<(Passage & { paperLabel: number }) | undefined> {
    return (await this.passagesByLabels([label]))[0];
  }

  passagesByLabels(labels: readonly number[]): Promise<((Passage & { paperLabel: number }) | undefined)[]> {
    return this.read(async (client, generation) => {
      const owners = await this.ownersIn(client, generation);
      const wanted = labels.filter((label) => owners.has(label));
      if (wanted.length === 0) return labels.map(() => undefined);
      const { rows } = await client.query<PassageRow>(`SELECT label, paper_label, text, page, last_page, section FROM ${this.s}.passages WHERE label = ANY($1)`, [wanted]);
      const byLabel = new Map(rows.map((row) => [row.label, toPassage(row)]));
      return labels.map((label) => byLabel.get(label));
    });
  }

  /**
   * Passage label → paper label, read once per generation seen: every search over a library with
   * passages asks for it. Empty when the library has no passages table.
   */
  private async ownersIn(client: pg.PoolClient, generation: number): Promise<ReadonlyMap<number, number>> {
    if (this.owners?.generation === generation) return this.owners.map;
    const map = new Map<number, number>();
    if ((await client.query("SELECT to_regclass($1) AS t", [`${this.s}.passages`])).rows[0].t) {
      const { rows } = await client.query<[number, number]>({ text: `SELECT label, paper_label FROM ${this.s}.passages`, rowMode: "array" });
      for (const [label, owner] of rows) map.set(label, owner);
    }
    this.owners = { generation, map };
    return map;
  }

  /**
   * The labels BM25 may return for a scope, or undefined for all: a filter's papers with their
   * passages, narrowed to papers or to passages. Kept for the last few scopes, as filters are.
   */
  private async lexicalAllowed(client: pg.PoolClient, generation: number, scope: SearchScope): Promise<ReadonlySet<number> | undefined> {
    const filtered = hasConditions(scope.filter);
    const owners = await this.ownersIn(client, generation);
    if (owners.size === 0 || (scope.kind === undefined && !filtered)) {
      if (scope.kind === "passages") return new Set();
      return filtered ? this.allowed(client, generation, scope.filter!) : undefined;
    }
    const key = JSON.stringify([generation, scope.kind ?? null, filtered ? scope.filter : null]);
    const cached = this.scopedSets.get(key);
    if (cached) {
      this.scopedSets.delete(key);
      this.scopedSets.set(key, cached);
      return cached;
    }
    const labels = new Set<number>();
    if (filtered) {
      const papers = await this.allowed(client, generation, scope.filter!);
      if (scope.kind !== "passages") for (const label of papers) labels.add(label);
      if (scope.kind !== "papers") for (const [label, owner] of owners) if (papers.has(owner)) labels.add(label);
    } else if (scope.kind === "passages") {
      for (const label of owners.keys()) labels.add(label);
    } else {
      for (const { label } of (await client.query<{ label: number }>(`SELECT label FROM ${this.s}.papers`)).rows) labels.add(label);
    }
    this.scopedSets.set(key, labels);
    while (this.scopedSets.size > SCOPED_SETS) this.scopedSets.delete(this.scopedSets.keys().next().value!);
    return labels;
  }

  withRecommendSource<T>(compute: (source: RecommendSource) => T): Promise<T> {
    return withPrefetchedSource(
      {
        dimension: this.manifest.model.dimension,
        vectors: (labels) => this.vectors(labels),
        texts: async (labels) => (await this.byLabels(labels)).map((paper) => paper && documentText(paper)),
        denseSearch: (vector, depth, exclude) => this.denseSearch(vector, depth, { exclude, kind: "papers" }),
        lexicalSearch: (text, depth) => this.lexicalSearch(text, depth, { kind: "papers" }),
        documentFrequencies: (terms) => this.documentFrequencies(terms),
        allLabels: () => this.read(async (client) => (await client.query<{ label: number }>(`SELECT label FROM ${this.s}.papers ORDER BY label`)).rows.map((r) => r.label)),
        // Seeded: the same seed draws the same papers (another draw than the folder store's).
        randomLabels: (n, seed) =>
          this.read(async (client) =>
            (await client.query<{ label: number }>(`SELECT label FROM ${this.s}.papers ORDER BY md5(label::text || ':' || $2::text), label LIMIT $1`, [n, seed])).rows.map((r) => r.label),
          ),
      },
      compute,
    );
  }

  artifact(name: string): Promise<Buffer | null> {
    return this.read(async (client) => {
      const { rows } = await client.query<{ data: Buffer }>(`SELECT data FROM ${this.s}.artifacts WHERE name = $1`, [name]);
      return rows[0]?.data ?? null;
    });
  }

  mapSource(onStep?: (step: string, ms: number) => void): Promise<MapSource> {
    return this.read(async (client) => memoryMapSource(await readMapPapers(client, this.s, onStep), onStep));
  }

  async close(): Promise<void> {}

  private async postings(client: pg.PoolClient, terms: readonly string[]): Promise<Map<string, Postings>> {
    if (terms.length === 0) return new Map();
    const { rows } = await client.query<{ term: string; postings: Buffer }>(`SELECT term, postings FROM ${this.s}.postings WHERE term = ANY($1)`, [[...new Set(terms)]]);
    return new Map(rows.map((row) => [row.term, decodePostings(row.postings)]));
  }

  /**
   * The labels a filter lets through, for BM25 (which scores in this process): fetching them reads
   * every matching row, tens of milliseconds for a common category, so the last few filters' sets
   * are kept for the generation they were read in.
   */
  private async allowed(client: pg.PoolClient, generation: number, filter: PaperFilter): Promise<Set<number>> {
    const key = JSON.stringify([generation, filter.years ?? null, filter.category?.toLowerCase() ?? null, filter.author?.toLowerCase() ?? null, filter.tag?.toLowerCase() ?? null, filter.collection?.toLowerCase() ?? null]);
    const cached = this.allowedSets.get(key);
    if (cached) {
      // Most recently used last: a Map keeps insertion order.
      this.allowedSets.delete(key);
      this.allowedSets.set(key, cached);
      return cached;
    }
    const where = conditions(filter, undefined, 1);
    const labels = new Set((await client.query<{ label: number }>(`SELECT label FROM ${this.s}.papers ${where.sql}`, where.values)).rows.map((r) => r.label));
    this.allowedSets.set(key, labels);
    while (this.allowedSets.size > ALLOWED_SETS) this.allowedSets.delete(this.allowedSets.keys().next().value!);
    return labels;
  }

  private async loadStats(client: pg.PoolClient, generation: number): Promise<{ norms: Float32Array; documents: number }> {
    if (this.stats?.generation === generation) return this.stats;
    const { rows } = await client.query<{ label: number; length: number }>(`SELECT label, length FROM ${this.s}.lengths`);
    const size = rows.reduce((max, row) => Math.max(max, row.label + 1), 0);
    const lengths = new Uint32Array(size);
    let total = 0;
    for (const row of rows) {
      lengths[row.label] = row.length;
      total += row.length;
    }
    this.stats = { generation, norms: lengthNorms(lengths, rows.length, total), documents: rows.length };
    return this.stats;
  }
}

/** A filter (and labels left out) as SQL conditions over papers, parameters numbered from `first`. */
function conditions(filter: PaperFilter | undefined, exclude: ReadonlySet<number> | undefined, first: number): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${first + values.length - 1}`;
  };
  if (filter && hasConditions(filter)) {
    if (filter.years) {
      const [from, to] = filter.years;
      parts.push("year IS NOT NULL");
      if (from !== null) parts.push(`year >= ${param(from)}`);
      if (to !== null) parts.push(`year <= ${param(to)}`);
    }
    // Zotero tags and collections are stored as categories "tag:…" and "collection:…" (corpus/zotero.ts).
    const categories = [filter.category, filter.tag && `tag:${filter.tag}`, filter.collection && `collection:${filter.collection}`]
      .filter((c): c is string => !!c)
      .map((c) => c.toLowerCase());
    if (categories.length > 0) parts.push(`category_keys @> ${param(categories)}::text[]`);
    if (filter.author) parts.push(`author_text LIKE ${param(`%${filter.author.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
  }
  if (exclude && exclude.size > 0) parts.push(`label <> ALL(${param([...exclude])}::integer[])`);
  return { sql: parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "", values };
}

async function upsertPapers(
  client: pg.PoolClient,
  s: string,
  batch: readonly { label: number; paper: Paper; hash: string; embed: boolean }[],
  vectors: ReadonlyMap<string, Float32Array>,
): Promise<void> {
  const columns = {
    label: [] as number[], id: [] as string[], hash: [] as string[], title: [] as (string | null)[], abstract: [] as string[],
    arxiv: [] as (string | null)[], doi: [] as (string | null)[], journal: [] as (string | null)[], comments: [] as string[],
    authors: [] as string[], categories: [] as string[], year: [] as (number | null)[], sources: [] as string[],
    keys: [] as string[], authorText: [] as string[], embedding: [] as (string | null)[],
  };
  for (const { label, paper: p, hash, embed } of batch) {
    columns.label.push(label);
    columns.id.push(p.id);
    columns.hash.push(hash);
    columns.title.push(p.title);
    columns.abstract.push(p.abstract);
    columns.arxiv.push(p.arxivId);
    columns.doi.push(p.doi);
    columns.journal.push(p.journalRef);
    columns.comments.push(JSON.stringify(p.comments));
    columns.authors.push(JSON.stringify(p.authors));
    columns.categories.push(JSON.stringify(p.categories));
    columns.year.push(p.year);
    columns.sources.push(JSON.stringify(p.sources));
    // A text[] literal per row: unnest cannot take an array of arrays of different lengths.
    columns.keys.push(JSON.stringify([...new Set(p.categories.map((c) => c.toLowerCase()))]));
    columns.authorText.push(p.authors.map((a) => a.toLowerCase()).join("\n"));
    columns.embedding.push(embed ? vectorLiteral(vectors.get(hash)!) : null);
  }
  await client.query(
    `INSERT INTO ${s}.papers (label, id, content_hash, title, abstract, arxiv_id, doi, journal_ref, comments, authors, categories, year, sources, category_keys, author_text, embedding)
     SELECT label, id, hash, title, abstract, arxiv, doi, journal, comments, authors, categories, year, sources,
            ARRAY(SELECT json_array_elements_text(keys::json)), author_text, embedding::vector
     FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                 $11::text[], $12::integer[], $13::text[], $14::text[], $15::text[], $16::text[])
          AS t(label, id, hash, title, abstract, arxiv, doi, journal, comments, authors, categories, year, sources, keys, author_text, embedding)
     ON CONFLICT (label) DO UPDATE SET id = excluded.id, content_hash = excluded.content_hash, title = excluded.title, abstract = excluded.abstract,
       arxiv_id = excluded.arxiv_id, doi = excluded.doi, journal_ref = excluded.journal_ref, comments = excluded.comments, authors = excluded.authors,
       categories = excluded.categories, year = excluded.year, sources = excluded.sources, category_keys = excluded.category_keys,
       author_text = excluded.author_text, embedding = coalesce(excluded.embedding, ${s}.papers.embedding)`,
    [
      columns.label, columns.id, columns.hash, columns.title, columns.abstract, columns.arxiv, columns.doi, columns.journal, columns.comments,
      columns.authors, columns.categories, columns.year, columns.sources, columns.keys, columns.authorText, columns.embedding,
    ],
  );
}

/** Applies text changes to the postings and lengths tables, reading only the terms they touch. */
async function writePostings(client: pg.PoolClient, s: string, changes: { label: number; before?: string; after?: string }[]): Promise<void> {
  const { terms, lengths } = collectChanges(changes);
  const names = [...terms.keys()];
  for (let start = 0; start < names.length; start += 10 * BATCH) {
    const slice = names.slice(start, start + 10 * BATCH);
    const { rows } = await client.query<{ term: string; postings: Buffer }>(`SELECT term, postings FROM ${s}.postings WHERE term = ANY($1)`, [slice]);
    const stored = new Map(rows.map((row) => [row.term, decodePostings(row.postings)]));
    const write: { term: string; blob: Buffer }[] = [];
    const drop: string[] = [];
    for (const term of slice) {
      const blob = mergePostings(stored.get(term), terms.get(term)!);
      if (blob) write.push({ term, blob });
      else if (stored.has(term)) drop.push(term);
    }
    if (write.length > 0) {
      await client.query(
        `INSERT INTO ${s}.postings (term, postings) SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (term) DO UPDATE SET postings = excluded.postings`,
        [write.map((w) => w.term), write.map((w) => w.blob)],
      );
    }
    if (drop.length > 0) await client.query(`DELETE FROM ${s}.postings WHERE term = ANY($1)`, [drop]);
  }
  const set = [...lengths].filter(([, length]) => length !== null) as [number, number][];
  const gone = [...lengths].filter(([, length]) => length === null).map(([label]) => label);
  for (let start = 0; start < set.length; start += 10 * BATCH) {
    const slice = set.slice(start, start + 10 * BATCH);
    await client.query(
      `INSERT INTO ${s}.lengths (label, length) SELECT * FROM unnest($1::integer[], $2::integer[]) ON CONFLICT (label) DO UPDATE SET length = excluded.length`,
      [slice.map(([label]) => label), slice.map(([, length]) => length)],
    );
  }
  if (gone.length > 0) await client.query(`DELETE FROM ${s}.lengths WHERE label = ANY($1)`, [gone]);
}

interface PassageRow {
  label: number;
  paper_label: number;
  text: string;
  page: number;
  last_page: number;
  section: string | null;
}

/**
 * Replaces the passages of these papers with new ones (none: the papers lose theirs), in the
 * caller's transaction; returns the text changes for the BM25 postings. The passages table is made
 * when the first passages come (an abstract-only library never has one), its HNSW index built once
 * the rows are in, as for papers.
 */
async function replacePassages(
  client: pg.PoolClient,
  s: string,
  dimension: number,
  fresh: boolean,
  papers: readonly { paperLabel: number; passages: readonly { label: number; passage: Passage; hash: string }[] }[],
  vectors: ReadonlyMap<string, Float32Array>,
): Promise<{ label: number; before?: string; after?: string }[]> {
  if (fresh) await client.query(`DROP TABLE IF EXISTS ${s}.passages`);
  const exists = !!(await client.query("SELECT to_regclass($1) AS t", [`${s}.passages`])).rows[0].t;
  const rows = papers.flatMap((p) => p.passages.map((entry) => ({ ...entry, paperLabel: p.paperLabel })));
  if (!exists && rows.length === 0) return [];
  const changes: { label: number; before?: string; after?: string }[] = [];
  if (exists) {
    const owners = papers.map((p) => p.paperLabel);
    for (let start = 0; start < owners.length; start += 10 * BATCH) {
      const { rows: old } = await client.query<{ label: number; text: string; section: string | null }>(
        `DELETE FROM ${s}.passages WHERE paper_label = ANY($1) RETURNING label, text, section`,
        [owners.slice(start, start + 10 * BATCH)],
      );
      for (const row of old) changes.push({ label: row.label, before: passageText(row) });
    }
  } else {
    await client.query(`CREATE TABLE ${s}.passages (
      label integer PRIMARY KEY,
      paper_label integer NOT NULL,
      hash text NOT NULL,
      text text NOT NULL,
      page integer NOT NULL,
      last_page integer NOT NULL,
      section text,
      embedding vector(${dimension}) NOT NULL
    )`);
    await client.query(`CREATE INDEX passages_paper ON ${s}.passages (paper_label)`);
  }
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    await client.query(
      `INSERT INTO ${s}.passages (label, paper_label, hash, text, page, last_page, section, embedding)
       SELECT label, paper_label, hash, text, page, last_page, section, embedding::vector
       FROM unnest($1::integer[], $2::integer[], $3::text[], $4::text[], $5::integer[], $6::integer[], $7::text[], $8::text[])
            AS t(label, paper_label, hash, text, page, last_page, section, embedding)`,
      [
        batch.map((r) => r.label), batch.map((r) => r.paperLabel), batch.map((r) => r.hash), batch.map((r) => r.passage.text),
        batch.map((r) => r.passage.page), batch.map((r) => r.passage.lastPage), batch.map((r) => r.passage.section), batch.map((r) => vectorLiteral(vectors.get(r.hash)!)),
      ],
    );
  }
  for (const r of rows) changes.push({ label: r.label, after: passageText(r.passage) });
  if (!exists) {
    const memory = process.env.PAPERS_PG_BUILD_MEMORY ?? "1GB";
    if (/^\d+\s*(kB|MB|GB)$/.test(memory)) await client.query(`SET LOCAL maintenance_work_mem = '${memory}'`);
    await client.query(
      `CREATE INDEX passages_embedding ON ${s}.passages USING hnsw (embedding vector_cosine_ops) WITH (m = ${DEFAULT_HNSW.m}, ef_construction = ${DEFAULT_HNSW.efConstruction})`,
    );
  }
  return changes;
}

/**
 * A filter (and labels left out) as SQL conditions over passages: a passage passes when its paper
 * passes the filter. Parameters numbered from `first`.
 */
function passageConditions(s: string, filter: PaperFilter | undefined, exclude: ReadonlySet<number> | undefined, first: number): { sql: string; values: unknown[] } {
  const papers = conditions(filter, undefined, first);
  const parts: string[] = [];
  const values = [...papers.values];
  if (papers.sql) parts.push(`paper_label IN (SELECT label FROM ${s}.papers ${papers.sql})`);
  if (exclude && exclude.size > 0) {
    values.push([...exclude]);
    parts.push(`label <> ALL($${first + values.length - 1}::integer[])`);
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(" AND ")}` : "", values };
}

function toPassage(row: PassageRow): Passage & { paperLabel: number } {
  return { paperLabel: row.paper_label, text: row.text, page: row.page, lastPage: row.last_page, section: row.section };
}

/**
 * Topics and the map of the generation being written, as the folder store does it
 * (update-index.ts): the previous generation's brought up to date, computed again when enough
 * changed (RECOMPUTE_SHARE) unless `compute` is false; computed in this process over a graph built
 * in memory, kept in the artifacts table under the folder's file name, in the update's transaction.
 */
async function storeTopicMap(client: pg.PoolClient, s: string, location: string, fresh: ReadonlySet<number>, compute: boolean): Promise<void> {
  const { rows } = await client.query<{ data: Buffer }>(`SELECT data FROM ${s}.artifacts WHERE name = $1`, [TOPIC_MAP_FILE]);
  let previous: TopicMap | null = null;
  try {
    previous = rows[0] ? parseTopicMap(rows[0].data, location) : null;
  } catch {
    // A damaged map is computed again rather than extended.
  }
  const map = !compute && !previous ? null : buildTopicMap(memoryMapSource(await readMapPapers(client, s)), { previous, fresh, extendOnly: !compute });
  if (map) {
    await client.query(
      `INSERT INTO ${s}.artifacts (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = excluded.data`,
      [TOPIC_MAP_FILE, Buffer.from(JSON.stringify(map))],
    );
  } else {
    // No map for this generation: readers compute one in memory rather than read another generation's.
    await client.query(`DELETE FROM ${s}.artifacts WHERE name = $1`, [TOPIC_MAP_FILE]);
  }
}

/** Every paper's label, vector and text, in label order: what the topic map is computed from. */
async function readMapPapers(client: pg.ClientBase, s: string, onStep?: (step: string, ms: number) => void): Promise<{ label: number; vector: Float32Array; text: string }[]> {
  const started = performance.now();
  const { rows } = await client.query<{ label: number; v: string; title: string | null; abstract: string }>(
    `SELECT label, embedding::text AS v, title, abstract FROM ${s}.papers ORDER BY label`,
  );
  const papers = rows.map((row) => ({ label: row.label, vector: parseVector(row.v), text: documentText(row) }));
  onStep?.("read", performance.now() - started);
  return papers;
}

function generationName(generation: number): string {
  return `gen-${generation}`;
}

/** What must match between a library and whoever reads or writes it: the embedding facts and the weights. */
function modelKeyOf(model: StoreModel): string {
  return JSON.stringify({ ...specFacts(model.spec), dtype: model.dtype });
}

/** Best first, ties by label: the order the folder store's exact search gives. */
function sortHits(rows: { label: number; score: number }[]): Scored[] {
  return rows.map((row) => ({ label: row.label, score: Number(row.score) })).sort((a, b) => b.score - a.score || a.label - b.label);
}

/** pgvector's text form; a float32 printed as a JS number reads back as the same float32. */
export function vectorLiteral(vector: Float32Array): string {
  return `[${Array.prototype.join.call(vector, ",")}]`;
}

export function parseVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(","), Number);
}

function vectorToBuffer(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength));
}

function bufferToVector(buffer: Buffer): Float32Array {
  return new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}
