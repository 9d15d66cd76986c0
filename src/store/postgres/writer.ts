/**
 * What a writer does to a library's tables, inside its transaction: papers upserted and deleted,
 * passages replaced, BM25 postings and lengths brought up to date, the topic map stored; and the
 * checkpoint table a run's vectors are kept in until it commits.
 */
import type pg from "pg";
import { documentText, passageText, type Paper } from "../../corpus/paper.js";
import type { Passage } from "../../corpus/passages.js";
import type { Embedder } from "../../embed/embedder.js";
import type { TopicMap } from "../../map/topic-map.js";
import { embedMissing, type EmbeddedVectors } from "../shared/embedding-loop.js";
import { STATE_ARTIFACT, parseIndexState, serializeIndexState, type IndexState } from "../shared/index-state.js";
import { TOPIC_MAP_FILE } from "../shared/manifest.js";
import { paperFieldsJson } from "../shared/paper-diff.js";
import type { PaperRow } from "../shared/paper-row.js";
import { toPaper } from "../shared/paper-row.js";
import { collectChanges, decodePostings, mergePostings, type TextChange } from "../shared/postings.js";
import { buildTopicMap, memoryMapSource } from "../shared/topic-map-build.js";
import { parseTopicMap } from "../shared/topic-map-store.js";
import type { UpdateOptions } from "../store.js";
import type { Database } from "./pool.js";
import { createPassageVectorIndex, createPassagesTable } from "./schema.js";
import { PAPER_SELECT } from "./sql.js";
import { bufferToVector, parseVector, vectorLiteral, vectorToBuffer } from "./vectors.js";

/** Rows written per statement while loading. */
export const BATCH = 1000;

/** A stored paper as an update compares it (see diffPapers). */
export interface StoredRow {
  label: number;
  hash: string;
  json: string;
  text: string;
  paper: Paper;
}

export async function storedEntries(db: Database): Promise<Map<string, StoredRow>> {
  const { rows } = await db.query<PaperRow>(`SELECT ${PAPER_SELECT} FROM ${db.schema}.papers`);
  return new Map(
    rows.map((row) => {
      const paper = toPaper(row);
      return [row.id.toLowerCase(), { label: row.label, hash: row.content_hash, json: paperFieldsJson(paper), text: documentText(paper), paper }];
    }),
  );
}

/** Embeds what needs embedding, reusing and extending the checkpoint table (one commit per batch). */
export async function embedChanged(
  db: Database,
  wanted: ReadonlyMap<string, string>,
  modelKey: string,
  loadEmbedder: () => Promise<Embedder>,
  options: UpdateOptions,
): Promise<EmbeddedVectors> {
  const table = `${db.schema}.checkpoint`;
  await db.query(`DELETE FROM ${table} WHERE model <> $1`, [modelKey]);
  const vectors = new Map<string, Float32Array>();
  const hashes = [...wanted.keys()];
  for (let start = 0; start < hashes.length; start += 10 * BATCH) {
    const { rows } = await db.query<{ hash: string; vector: Buffer }>(`SELECT hash, vector FROM ${table} WHERE hash = ANY($1)`, [hashes.slice(start, start + 10 * BATCH)]);
    for (const row of rows) vectors.set(row.hash, bufferToVector(row.vector));
  }
  return embedMissing(wanted, vectors, loadEmbedder, options, async (pairs) => {
    await db.query(
      `INSERT INTO ${table} (hash, model, vector) SELECT h, $2, v FROM unnest($1::text[], $3::bytea[]) AS t(h, v) ON CONFLICT (hash) DO NOTHING`,
      [pairs.map(([hash]) => hash), modelKey, pairs.map(([, vector]) => vectorToBuffer(vector))],
    );
  });
}

export async function upsertPapers(
  client: pg.PoolClient,
  s: string,
  batch: readonly { label: number; paper: Paper; hash: string; embed: boolean }[],
  vectors: ReadonlyMap<string, Float32Array>,
): Promise<void> {
  const columns = {
    label: [] as number[], id: [] as string[], hash: [] as string[], title: [] as (string | null)[], abstract: [] as string[],
    arxiv: [] as (string | null)[], doi: [] as (string | null)[], journal: [] as (string | null)[], comments: [] as string[],
    authors: [] as string[], categories: [] as string[], year: [] as (number | null)[], sources: [] as string[], date: [] as (string | null)[],
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
    columns.date.push(p.date ?? null);
    // A text[] literal per row: unnest cannot take an array of arrays of different lengths.
    columns.keys.push(JSON.stringify([...new Set(p.categories.map((c) => c.toLowerCase()))]));
    columns.authorText.push(p.authors.map((a) => a.toLowerCase()).join("\n"));
    columns.embedding.push(embed ? vectorLiteral(vectors.get(hash)!) : null);
  }
  await client.query(
    `INSERT INTO ${s}.papers (label, id, content_hash, title, abstract, arxiv_id, doi, journal_ref, comments, authors, categories, year, sources, category_keys, author_text, embedding, date)
     SELECT label, id, hash, title, abstract, arxiv, doi, journal, comments, authors, categories, year, sources,
            ARRAY(SELECT json_array_elements_text(keys::json)), author_text, embedding::vector, date
     FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                 $11::text[], $12::integer[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
          AS t(label, id, hash, title, abstract, arxiv, doi, journal, comments, authors, categories, year, sources, keys, author_text, embedding, date)
     ON CONFLICT (label) DO UPDATE SET id = excluded.id, content_hash = excluded.content_hash, title = excluded.title, abstract = excluded.abstract,
       arxiv_id = excluded.arxiv_id, doi = excluded.doi, journal_ref = excluded.journal_ref, comments = excluded.comments, authors = excluded.authors,
       categories = excluded.categories, year = excluded.year, sources = excluded.sources, category_keys = excluded.category_keys,
       author_text = excluded.author_text, date = excluded.date, embedding = coalesce(excluded.embedding, ${s}.papers.embedding)`,
    [
      columns.label, columns.id, columns.hash, columns.title, columns.abstract, columns.arxiv, columns.doi, columns.journal, columns.comments,
      columns.authors, columns.categories, columns.year, columns.sources, columns.keys, columns.authorText, columns.embedding, columns.date,
    ],
  );
}

/**
 * Deletes papers with their passages, in the caller's transaction; returns the text changes for
 * the BM25 postings.
 */
export async function deletePapers(client: pg.PoolClient, s: string, dimension: number, gone: readonly { label: number; title: string | null; abstract: string }[]): Promise<TextChange[]> {
  if (gone.length === 0) return [];
  await client.query(`DELETE FROM ${s}.papers WHERE label = ANY($1)`, [gone.map((row) => row.label)]);
  // A removed paper takes its passages with it.
  const passagesGone = await replacePassages(client, s, dimension, false, gone.map((row) => ({ paperLabel: row.label, passages: [] })), new Map());
  return [...gone.map((row) => ({ label: row.label, before: documentText(row) })), ...passagesGone];
}

/** Applies text changes to the postings and lengths tables, reading only the terms they touch. */
export async function writePostings(client: pg.PoolClient, s: string, changes: TextChange[]): Promise<void> {
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

/**
 * Replaces the passages of these papers with new ones (none: the papers lose theirs), in the
 * caller's transaction; returns the text changes for the BM25 postings. The passages table is made
 * when the first passages come (an abstract-only library never has one), its HNSW index built once
 * the rows are in, as for papers.
 */
export async function replacePassages(
  client: pg.PoolClient,
  s: string,
  dimension: number,
  fresh: boolean,
  papers: readonly { paperLabel: number; passages: readonly { label: number; passage: Passage; hash: string }[] }[],
  vectors: ReadonlyMap<string, Float32Array>,
): Promise<TextChange[]> {
  if (fresh) await client.query(`DROP TABLE IF EXISTS ${s}.passages`);
  const exists = !!(await client.query("SELECT to_regclass($1) AS t", [`${s}.passages`])).rows[0].t;
  const rows = papers.flatMap((p) => p.passages.map((entry) => ({ ...entry, paperLabel: p.paperLabel })));
  if (!exists && rows.length === 0) return [];
  const changes: TextChange[] = [];
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
    await createPassagesTable(client, s, dimension);
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
  if (!exists) await createPassageVectorIndex(client, s);
  return changes;
}

/**
 * Topics and the map of the generation being written, as the folder store does it
 * (folder/update-index.ts): the previous generation's brought up to date, computed again when enough
 * changed (RECOMPUTE_SHARE) unless `compute` is false; computed in this process over a graph built
 * in memory, kept in the artifacts table under the folder's file name, in the update's transaction.
 */
export async function storeTopicMap(client: pg.PoolClient, s: string, location: string, fresh: ReadonlySet<number>, compute: boolean): Promise<void> {
  const { rows } = await client.query<{ data: Buffer }>(`SELECT data FROM ${s}.artifacts WHERE name = $1`, [TOPIC_MAP_FILE]);
  let previous: TopicMap | null = null;
  try {
    previous = rows[0] ? parseTopicMap(rows[0].data, location) : null;
  } catch {
    // A damaged map is computed again rather than extended.
  }
  const map = !compute && !previous ? null : await buildTopicMap(memoryMapSource(await readMapPapers(client, s, location)), { previous, fresh, extendOnly: !compute });
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

/**
 * The library's named state ({} when it has none, or no artifacts table yet). A damaged one stops
 * an update, unless the update rebuilds the library anyway (`lenient`): then it is dropped.
 */
export async function readIndexState(db: Database, location: string, lenient: boolean): Promise<IndexState> {
  const { rows: tables } = await db.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [`${db.schema}.artifacts`]);
  if (!tables[0]?.t) return {};
  const { rows } = await db.query<{ data: Buffer }>(`SELECT data FROM ${db.schema}.artifacts WHERE name = $1`, [STATE_ARTIFACT]);
  try {
    return parseIndexState(rows[0]?.data ?? null, location);
  } catch (error) {
    if (lenient) return {};
    throw error;
  }
}

/** Writes the named state in the update's transaction (removes the row when there is none). */
export async function storeIndexState(client: pg.PoolClient, s: string, state: IndexState): Promise<void> {
  const data = serializeIndexState(state);
  if (data) {
    await client.query(`INSERT INTO ${s}.artifacts (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = excluded.data`, [STATE_ARTIFACT, data]);
  } else {
    await client.query(`DELETE FROM ${s}.artifacts WHERE name = $1`, [STATE_ARTIFACT]);
  }
}

/** Every paper's label, vector and text, in label order: what the topic map is computed from. */
export async function readMapPapers(client: pg.ClientBase, s: string, location: string, onStep?: (step: string, ms: number) => void): Promise<{ label: number; vector: Float32Array; text: string }[]> {
  const started = performance.now();
  const { rows } = await client.query<{ label: number; v: string | null; title: string | null; abstract: string }>(
    `SELECT label, embedding::text AS v, title, abstract FROM ${s}.papers ORDER BY label`,
  );
  const papers = rows.map((row) => ({ label: row.label, vector: parseVector(row.v, row.label, location), text: documentText(row) }));
  onStep?.("read", performance.now() - started);
  return papers;
}
