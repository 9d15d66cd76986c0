/**
 * The tables of a library, in a schema papers owns: one it created, or one it has marked as a
 * library (the LIBRARY_MARK table). papers never writes into a schema that holds tables it did not
 * make, and drops only tables of its own names in a schema it owns.
 */
import type pg from "pg";
import { PapersError } from "../../errors.js";
import { DEFAULT_HNSW } from "../shared/hnsw.js";
import type { Database } from "./pool.js";

/** The table that marks a schema as a papers library (its one row says since when). */
export const LIBRARY_MARK = "papers_library";
/** Every table papers makes in a library's schema. */
const LIBRARY_TABLES = new Set([LIBRARY_MARK, "facts", "papers", "postings", "lengths", "artifacts", "checkpoint", "passages", "likes"]);

/** Before a write: pgvector and pg_trgm, and the library's schema made or checked, marked, with its checkpoint table. */
export async function ensureSchema(db: Database): Promise<void> {
  try {
    await db.query("CREATE EXTENSION IF NOT EXISTS vector");
    await db.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PapersError("STORE_UNREACHABLE", `the database at ${db.location} lacks pgvector or pg_trgm (${reason}): install pgvector 0.8+, or have an administrator run CREATE EXTENSION vector; CREATE EXTENSION pg_trgm`);
  }
  await claimSchema(db);
  await db.query(`CREATE TABLE IF NOT EXISTS ${db.schema}.checkpoint (hash text PRIMARY KEY, model text NOT NULL, vector bytea NOT NULL)`);
  await addDateColumn(db);
}

/**
 * A library written before papers had dates gets its date column (null for every paper, until the
 * next run reads their dates: a change of metadata, nothing embedded again) and its index. Readers
 * meanwhile read every date as null (see hasDateColumn).
 */
async function addDateColumn(db: Database): Promise<void> {
  const table = await db.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [`${db.schema}.papers`]);
  if (!table.rows[0]?.t || (await hasDateColumn(db, db.schema))) return;
  await db.query(`ALTER TABLE ${db.schema}.papers ADD COLUMN IF NOT EXISTS date text`);
  await db.query(`CREATE INDEX IF NOT EXISTS papers_date ON ${db.schema}.papers (date)`);
}

/** Whether the library's papers table has its date column (one written before papers had dates has not). */
export async function hasDateColumn(client: { query(text: string, values: unknown[]): Promise<{ rows: unknown[] }> }, schema: string): Promise<boolean> {
  const { rows } = await client.query(
    "SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'papers' AND column_name = 'date'",
    [schema],
  );
  return rows.length > 0;
}

/**
 * Makes the schema papers' own, or refuses it: a new or empty schema is created and marked; a
 * marked one is papers'; one a papers from before the mark wrote (its facts table) is marked now;
 * any other schema holding tables, views or sequences is someone else's, and they are named.
 */
async function claimSchema(db: Database): Promise<void> {
  const s = db.schema;
  const { rows } = await db.query<{ name: string; kind: string }>(
    `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')`,
    [s],
  );
  const names = rows.map((row) => row.name);
  if (names.includes(LIBRARY_MARK)) return;
  const legacy = names.includes("facts") && (await isLibraryFacts(db));
  const foreign = names.filter((name) => !legacy || !LIBRARY_TABLES.has(name)).sort();
  if (foreign.length > 0) {
    const list = foreign.slice(0, 10).join(", ") + (foreign.length > 10 ? `, and ${foreign.length - 10} more` : "");
    throw new PapersError(
      "NOT_AN_INDEX",
      `schema "${s}" at ${db.location} holds tables papers did not make (${list}), and papers will not write there: name a schema of its own with ?schema=NAME (a new one is created)`,
    );
  }
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${s}.${LIBRARY_MARK} (since timestamptz NOT NULL DEFAULT now())`);
  await db.query(`INSERT INTO ${s}.${LIBRARY_MARK} SELECT WHERE NOT EXISTS (SELECT 1 FROM ${s}.${LIBRARY_MARK})`);
}

/** Whether the schema's facts table is the one papers writes (a library written before the mark). */
async function isLibraryFacts(db: Database): Promise<boolean> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'facts'",
    [db.schema],
  );
  const columns = new Set(rows.map((row) => row.name));
  return ["one", "generation", "model_key", "manifest"].every((column) => columns.has(column));
}

/** A new library, or one rebuilt: its tables made anew inside the update's transaction. */
export async function createTables(client: pg.PoolClient, s: string, dimension: number): Promise<void> {
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
    date text,
    category_keys text[] NOT NULL,
    author_text text NOT NULL,
    embedding vector(${dimension})
  )`);
  await client.query(`CREATE UNIQUE INDEX papers_id ON ${s}.papers (lower(id))`);
  await client.query(`CREATE INDEX papers_year ON ${s}.papers (year)`);
  await client.query(`CREATE INDEX papers_date ON ${s}.papers (date)`);
  await client.query(`CREATE INDEX papers_categories ON ${s}.papers USING gin (category_keys)`);
  await client.query(`CREATE INDEX papers_authors ON ${s}.papers USING gin (author_text gin_trgm_ops)`);
  await client.query(`CREATE TABLE ${s}.postings (term text PRIMARY KEY, postings bytea NOT NULL)`);
  await client.query(`CREATE TABLE ${s}.lengths (label integer PRIMARY KEY, length integer NOT NULL)`);
  await client.query(`CREATE TABLE ${s}.artifacts (name text PRIMARY KEY, data bytea NOT NULL)`);
}

/** Built once the rows are in: much faster than growing the graph a row at a time. */
export async function createVectorIndex(client: pg.PoolClient, s: string): Promise<void> {
  // The graph builds fastest while it fits in this memory (PAPERS_PG_BUILD_MEMORY, e.g. 4GB for millions of papers).
  const memory = process.env.PAPERS_PG_BUILD_MEMORY ?? "1GB";
  if (!/^\d+\s*(kB|MB|GB)$/.test(memory)) throw new PapersError("BAD_OPTION", `PAPERS_PG_BUILD_MEMORY must look like 1GB or 512MB, not "${memory}"`);
  await client.query(`SET LOCAL maintenance_work_mem = '${memory}'`);
  await client.query(
    `CREATE INDEX papers_embedding ON ${s}.papers USING hnsw (embedding vector_cosine_ops) WITH (m = ${DEFAULT_HNSW.m}, ef_construction = ${DEFAULT_HNSW.efConstruction})`,
  );
}

/** The passages table, made when a library's first passages come (an abstract-only library never has one). */
export async function createPassagesTable(client: pg.PoolClient, s: string, dimension: number): Promise<void> {
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

/** The passages' HNSW graph, built once their rows are in, as for papers. */
export async function createPassageVectorIndex(client: pg.PoolClient, s: string): Promise<void> {
  const memory = process.env.PAPERS_PG_BUILD_MEMORY ?? "1GB";
  if (/^\d+\s*(kB|MB|GB)$/.test(memory)) await client.query(`SET LOCAL maintenance_work_mem = '${memory}'`);
  await client.query(
    `CREATE INDEX passages_embedding ON ${s}.passages USING hnsw (embedding vector_cosine_ops) WITH (m = ${DEFAULT_HNSW.m}, ef_construction = ${DEFAULT_HNSW.efConstruction})`,
  );
}
