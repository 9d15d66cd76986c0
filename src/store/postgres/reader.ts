/**
 * One committed generation of a library in PostgreSQL, read in snapshots: every read checks the
 * library's facts first, so a library rebuilt with another model since it was opened is refused.
 */
import type pg from "pg";
import { documentText, type Paper } from "../../corpus/paper.js";
import type { Passage } from "../../corpus/passages.js";
import { PapersError } from "../../errors.js";
import { queryTerms } from "../../ranking/analyzer.js";
import { bm25TermScores, lengthNorms, type Postings, type TermScore } from "../../ranking/bm25.js";
import { dayRange, hasConditions, type PaperFilter } from "../../ranking/filter.js";
import type { Scored } from "../../ranking/fusion.js";
import type { RecommendSource } from "../../ranking/recommend.js";
import { EXACT_SCAN_LIMIT } from "../shared/hnsw.js";
import type { Manifest } from "../shared/manifest.js";
import type { SavedLikes } from "../shared/likes.js";
import { toPaper, type PaperRow } from "../shared/paper-row.js";
import { decodePostings } from "../shared/postings.js";
import { pickRandomLabels, randomCandidates } from "../shared/random-labels.js";
import { memoryMapSource, type MapSource } from "../shared/topic-map-build.js";
import type { StepReport } from "../../map/topic-map.js";
import { GenerationMovedError, type GenerationReader, type Retrieval, type RetrievalRequest, type SearchScope } from "../store.js";
import { generationName, type Facts } from "./facts.js";
import type { Database } from "./pool.js";
import { withPrefetchedSource } from "./prefetched-source.js";
import { hasDateColumn } from "./schema.js";
import { readSearchRow, searchStatement, type SearchRow } from "./search-statement.js";
import { bm25Hits, conditions, paperSelect, passageConditions, sortHits, toPassage, type PassageRow } from "./sql.js";
import { readTuningAdvice } from "./tuning.js";
import { parseVector, vectorLiteral } from "./vectors.js";
import { readMapPapers } from "./writer.js";

/** Filters whose matching labels a reader keeps (see PostgresGeneration.allowed). */
const ALLOWED_SETS = 64;
/** Lexical scopes over papers and passages a reader keeps: fewer, as each may hold every passage's label. */
const SCOPED_SETS = 8;

export class PostgresGeneration implements GenerationReader {
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
  /** How many papers, per generation seen (see paperCountIn). */
  private papers: { generation: number; count: number } | undefined;
  /** Whether the papers table has its date column, per generation seen (see datedIn). */
  private dated: { generation: number; has: boolean } | undefined;
  /** Recent lexical scopes over papers and passages (see lexicalAllowed). */
  private readonly scopedSets = new Map<string, Set<number>>();

  constructor(
    private readonly db: Database,
    facts: Facts,
    passages = 0,
    private readonly saved: SavedLikes = { liked: [], unliked: [] },
  ) {
    this.generation = generationName(facts.generation);
    this.manifest = facts.manifest;
    this.vectorCount = facts.manifest.count + passages;
    this.modelKey = facts.modelKey;
  }

  get location(): string {
    return this.db.location;
  }

  private get s(): string {
    return this.db.schema;
  }

  /**
   * Runs `work` in one snapshot after checking the library's facts in it: a library rebuilt with
   * another model since this reader opened it is refused (its vectors are not this model's).
   */
  private read<T>(work: (client: pg.PoolClient, generation: number) => Promise<T>, settings?: string): Promise<T> {
    return this.db.snapshot(async (client, facts) => {
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
    const { rows } = await this.db.query<{ bytes: string | null }>(
      `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [this.s],
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  advice(): Promise<string[]> {
    return readTuningAdvice(this.db, this.s);
  }

  byLabels(labels: readonly number[]): Promise<(Paper | undefined)[]> {
    if (labels.length === 0) return Promise.resolve([]);
    return this.read(async (client, generation) => {
      const { rows } = await client.query<PaperRow>(`SELECT ${await this.columnsIn(client, generation)} FROM ${this.s}.papers WHERE label = ANY($1)`, [labels]);
      const byLabel = new Map(rows.map((row) => [row.label, toPaper(row)]));
      return labels.map((label) => byLabel.get(label));
    });
  }

  byId(id: string): Promise<{ label: number; paper: Paper } | undefined> {
    return this.read(async (client, generation) => {
      const { rows } = await client.query<PaperRow>(`SELECT ${await this.columnsIn(client, generation)} FROM ${this.s}.papers WHERE lower(id) = lower($1)`, [id]);
      return rows[0] && { label: rows[0].label, paper: toPaper(rows[0]) };
    });
  }

  all(filter?: PaperFilter): Promise<Paper[]> {
    const where = conditions(filter, undefined, 1);
    return this.read(async (client, generation) =>
      (await client.query<PaperRow>(`SELECT ${await this.columnsIn(client, generation)} FROM ${this.s}.papers ${where.sql} ORDER BY label`, where.values)).rows.map(toPaper),
    );
  }

  newestDates(n: number, until?: string): Promise<string[]> {
    return this.read(async (client, generation) => {
      if (!(await this.datedIn(client, generation))) return [];
      const { rows } = await client.query<{ date: string }>(
        `SELECT DISTINCT date FROM ${this.s}.papers WHERE date IS NOT NULL AND date <= $1 ORDER BY date DESC LIMIT $2`,
        [until ?? "9999-12-31", n],
      );
      return rows.map((row) => row.date);
    });
  }

  page(offset: number, limit: number): Promise<Paper[]> {
    return this.read(async (client, generation) =>
      (await client.query<PaperRow>(`SELECT ${await this.columnsIn(client, generation)} FROM ${this.s}.papers ORDER BY label LIMIT $1 OFFSET $2`, [limit, offset])).rows.map(toPaper),
    );
  }

  count(): Promise<number> {
    return this.read(async (client) => Number((await client.query(`SELECT count(*) AS n FROM ${this.s}.papers`)).rows[0].n));
  }

  vector(label: number): Promise<Float32Array> {
    return this.read(async (client) => {
      const { rows } = await client.query<{ v: string | null }>(`SELECT embedding::text AS v FROM ${this.s}.papers WHERE label = $1`, [label]);
      if (!rows[0]) throw new PapersError("UNKNOWN_ID", `no paper with label ${label} in the index`);
      return parseVector(rows[0].v, label, this.location);
    });
  }

  vectors(labels: readonly number[]): Promise<Float32Array[]> {
    return this.read(async (client, generation) => {
      const { rows } = await client.query<{ label: number; v: string | null }>(`SELECT label, embedding::text AS v FROM ${this.s}.papers WHERE label = ANY($1)`, [labels]);
      const byLabel = new Map(rows.map((row) => [row.label, parseVector(row.v, row.label, this.location)]));
      const owners = await this.ownersIn(client, generation);
      const passages = labels.filter((label) => !byLabel.has(label) && owners.has(label));
      if (passages.length > 0) {
        const found = await client.query<{ label: number; v: string | null }>(`SELECT label, embedding::text AS v FROM ${this.s}.passages WHERE label = ANY($1)`, [passages]);
        for (const row of found.rows) byLabel.set(row.label, parseVector(row.v, row.label, this.location));
      }
      return labels.map((label) => {
        const vector = byLabel.get(label);
        if (!vector) throw new PapersError("UNKNOWN_ID", `no paper with label ${label} in the index`);
        return vector;
      });
    });
  }

  labelled(): Promise<{ label: number; paper: Paper }[]> {
    return this.read(async (client, generation) =>
      (await client.query<PaperRow>(`SELECT ${await this.columnsIn(client, generation)} FROM ${this.s}.papers ORDER BY label`)).rows.map((row) => ({ label: row.label, paper: toPaper(row) })),
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
    return this.read((client, generation) => this.denseIn(client, generation, vector, k, scope), this.searchSettings(k));
  }

  /** Sent with BEGIN, in the same round trip; SET LOCAL lasts until the snapshot ends. */
  private searchSettings(k: number): string {
    return `SET LOCAL hnsw.ef_search = ${this.efSearch(k)}; SET LOCAL hnsw.iterative_scan = relaxed_order; `;
  }

  private efSearch(k: number): number {
    return Math.min(1000, Math.max(this.manifest.hnsw.efSearch, k));
  }

  /** Dense search in the caller's snapshot (see denseSearch). */
  private async denseIn(client: pg.PoolClient, generation: number, vector: Float32Array, k: number, scope: SearchScope): Promise<Scored[]> {
    // Papers and passages are searched apart (two tables, two graphs), each exactly k deep: the
    // best k of both lists are the best k of all.
    const owners = scope.kind === "papers" ? undefined : await this.ownersIn(client, generation);
    const dated = await this.datedIn(client, generation);
    const passages = owners && owners.size > 0 ? await this.densePassagesIn(client, vector, k, scope, owners, dated) : [];
    if (scope.kind === "passages") return passages;
    const papers = await this.densePapersIn(client, vector, k, scope, dated);
    return passages.length === 0 ? papers : sortHits([...papers, ...passages]).slice(0, k);
  }

  /** Dense search over papers only, in the caller's snapshot (see denseSearch). */
  private async densePapersIn(client: pg.PoolClient, vector: Float32Array, k: number, scope: SearchScope, dated: boolean): Promise<Scored[]> {
    const where = conditions(scope.filter, scope.exclude, 2, dated);
    const params = [vectorLiteral(vector), ...where.values];
    const exact = () => this.nearestIn(client, "papers", where.sql, params, k, true);
    let matching: number | undefined;
    if (where.sql) {
      // Numbered from $1 here; the searches number them from $2, after the vector.
      matching = await this.countUpTo(client, "papers", conditions(scope.filter, scope.exclude, 1, dated));
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
  private async densePassagesIn(client: pg.PoolClient, vector: Float32Array, k: number, scope: SearchScope, owners: ReadonlyMap<number, number>, dated: boolean): Promise<Scored[]> {
    const where = passageConditions(this.s, scope.filter, scope.exclude, 2, dated);
    const params = [vectorLiteral(vector), ...where.values];
    const exact = () => this.nearestIn(client, "passages", where.sql, params, k, true);
    let excluded = 0;
    for (const label of scope.exclude ?? []) if (owners.has(label)) excluded++;
    let available = Math.min(k, owners.size - excluded);
    if (hasConditions(scope.filter)) {
      if ((await this.countUpTo(client, "passages", passageConditions(this.s, scope.filter, scope.exclude, 1, dated))) <= EXACT_SCAN_LIMIT) return exact();
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
    return this.read((client, generation) => this.lexicalIn(client, generation, text, k, scope));
  }

  /** Lexical search in the caller's snapshot (see lexicalSearch). */
  private async lexicalIn(client: pg.PoolClient, generation: number, text: string, k: number, scope: SearchScope): Promise<Scored[]> {
    const terms = queryTerms(text);
    const found = await this.postings(client, terms);
    if (!terms.some((term) => found.has(term))) return [];
    const allowed = await this.lexicalAllowed(client, generation, scope);
    const { norms, documents } = await this.loadStats(client, generation);
    return bm25Hits(terms, found, norms, documents, k, allowed, scope.exclude);
  }

  /**
   * A search's reads (see GenerationReader.retrieve). A search over papers with no filter, in a
   * library without passages, is one statement (search-statement.ts), once this reader knows the
   * live generation's shape (its date column, its passages, its BM25 lengths, its paper count);
   * anything else, and the first search of each generation, reads in one snapshot of several.
   */
  async retrieve(request: RetrievalRequest): Promise<Retrieval> {
    const scope = request.scope ?? {};
    const known = this.known(request.text !== undefined);
    if (known !== undefined && scope.kind !== "passages" && !hasConditions(scope.filter) && !(scope.exclude?.size)) {
      const terms = request.text === undefined ? undefined : queryTerms(request.text);
      const statement = searchStatement(this.s, { vector: request.vector, terms: terms && [...new Set(terms)], depth: request.depth, prefetch: request.prefetch }, this.dated!.has);
      const answer = readSearchRow((await this.db.prepared<SearchRow>(statement.text, statement.values, request.vector && this.efSearch(request.depth))).rows[0]);
      // Another generation (or model, or none) than the one this reader knows: read it in a snapshot, which says what is wrong.
      const complete = answer && (!request.vector || answer.dense.length >= Math.min(request.depth, this.papers!.count));
      if (answer && complete && answer.generation === known && answer.modelKey === this.modelKey) {
        const { norms, documents } = this.stats ?? { norms: new Float32Array(0), documents: 0 };
        const lexical = terms ? bm25Hits(terms, answer.postings, norms, documents, request.depth) : [];
        return this.retrieval(known, answer.dense, lexical, this.owners!.map, answer.papers);
      }
    }
    return this.read(async (client, generation) => {
      const owners = await this.ownersIn(client, generation);
      await this.datedIn(client, generation);
      await this.paperCountIn(client, generation);
      if (request.text !== undefined) await this.loadStats(client, generation);
      const dense = request.vector ? await this.denseIn(client, generation, request.vector, request.depth, scope) : [];
      const lexical = request.text !== undefined ? await this.lexicalIn(client, generation, request.text, request.depth, scope) : [];
      return this.retrieval(generation, dense, lexical, owners, new Map());
    }, request.vector && this.searchSettings(request.depth));
  }

  /** The live generation when this reader knows its shape (and its BM25 lengths, when `lexical`), else undefined. */
  private known(lexical: boolean): number | undefined {
    const generation = this.owners?.generation;
    if (generation === undefined || this.owners!.map.size > 0 || this.dated?.generation !== generation || this.papers?.generation !== generation) return undefined;
    if (lexical && this.stats?.generation !== generation) return undefined;
    return generation;
  }

  /** A retrieval whose papers and passages are read from its generation: GenerationMovedError when the library has moved on. */
  private retrieval(generation: number, dense: Scored[], lexical: Scored[], owners: ReadonlyMap<number, number>, prefetched: ReadonlyMap<number, Paper>): Retrieval {
    const moved = (found: string | undefined) => {
      if (found === undefined) throw new PapersError("NO_INDEX", `the index at ${this.location} is gone: it was removed after it was opened`);
      if (Number(found) !== generation) throw new GenerationMovedError(this.location);
    };
    return {
      dense,
      lexical,
      owners,
      papers: async (labels) => {
        const missing = labels.filter((label) => !prefetched.has(label));
        if (missing.length === 0) return labels.map((label) => prefetched.get(label));
        if (this.dated?.generation !== generation) throw new GenerationMovedError(this.location);
        const { rows } = await this.factsAnd<PaperRow>(`SELECT ${paperSelect(this.dated.has)} FROM ${this.s}.papers WHERE label = ANY($1)`, [missing]);
        moved(rows[0]?.generation);
        const byLabel = new Map(rows.flatMap((row) => (row.label === null ? [] : [[row.label, toPaper(row)] as const])));
        return labels.map((label) => prefetched.get(label) ?? byLabel.get(label));
      },
      passages: async (labels) => {
        if (labels.length === 0) return [];
        const { rows } = await this.factsAnd<PassageRow>(`SELECT label, paper_label, text, page, last_page, section FROM ${this.s}.passages WHERE label = ANY($1)`, [labels]);
        moved(rows[0]?.generation);
        const byLabel = new Map(rows.flatMap((row) => (row.label === null ? [] : [[row.label, toPassage(row)] as const])));
        return labels.map((label) => byLabel.get(label));
      },
    };
  }

  /** A select's rows, each with the live generation beside it (one row of nulls when it finds none), in one statement. */
  private async factsAnd<R extends pg.QueryResultRow>(select: string, values: unknown[]): Promise<pg.QueryResult<R & { generation: string }>> {
    try {
      return await this.db.prepared<R & { generation: string }>(`SELECT f.generation, r.* FROM ${this.s}.facts f LEFT JOIN LATERAL (${select}) r ON true`, values);
    } catch (error) {
      // No facts table: the library was dropped.
      if ((error as { code?: string }).code === "42P01") throw new PapersError("NO_INDEX", `the index at ${this.location} is gone: it was removed after it was opened`);
      throw error;
    }
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
   * Whether this generation's papers table has its date column, checked once per generation seen:
   * a library written before papers had dates, and not written since, has not (its dates read as null).
   */
  private async datedIn(client: pg.PoolClient, generation: number): Promise<boolean> {
    if (this.dated?.generation !== generation) this.dated = { generation, has: await hasDateColumn(client, this.s) };
    return this.dated.has;
  }

  /** How many papers this generation holds, counted once per generation seen (a dense search comes back with fewer only when the graph came back short). */
  private async paperCountIn(client: pg.PoolClient, generation: number): Promise<number> {
    if (this.papers?.generation !== generation) this.papers = { generation, count: Number((await client.query(`SELECT count(*) AS n FROM ${this.s}.papers`)).rows[0].n) };
    return this.papers.count;
  }

  /** The select list of a PaperRow in this generation (see paperSelect). */
  private async columnsIn(client: pg.PoolClient, generation: number): Promise<string> {
    return paperSelect(await this.datedIn(client, generation));
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
        denseSearch: (vector, depth, exclude, within) => this.denseSearch(vector, depth, { exclude, kind: "papers", filter: within }),
        lexicalSearch: (text, depth, within) => this.lexicalSearch(text, depth, { kind: "papers", filter: within }),
        documentFrequencies: (terms) => this.documentFrequencies(terms),
        allLabels: (within) =>
          this.read(async (client, generation) =>
            hasConditions(within)
              ? [...(await this.allowed(client, generation, within))].sort((a, b) => a - b)
              : (await client.query<{ label: number }>(`SELECT label FROM ${this.s}.papers ORDER BY label`)).rows.map((r) => r.label),
          ),
        // The folder store's draw (shared/random-labels.ts): the same seed draws the same papers in both.
        randomLabels: (n, seed) =>
          this.read(async (client, generation) => {
            const owners = await this.ownersIn(client, generation);
            const { rows } = await client.query<{ next: number }>(`SELECT coalesce(max(label) + 1, 0) AS next FROM ${this.s}.papers`);
            let end = rows[0]!.next;
            for (const label of owners.keys()) end = Math.max(end, label + 1);
            const candidates = randomCandidates(n, seed, end);
            const papers = await client.query<{ label: number }>(`SELECT label FROM ${this.s}.papers WHERE label = ANY($1)`, [[...new Set(candidates)]]);
            const found = new Set(papers.rows.map((r) => r.label));
            return pickRandomLabels(candidates, (label) => found.has(label), Math.min(n, this.manifest.count));
          }),
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

  mapSource(onStep?: StepReport): Promise<MapSource> {
    return this.read(async (client) => memoryMapSource(await readMapPapers(client, this.s, this.location, onStep), onStep));
  }

  async likes(): Promise<SavedLikes> {
    return this.saved;
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
    const key = JSON.stringify([generation, filter.years ?? null, dayRange(filter) ?? null, filter.category?.toLowerCase() ?? null, filter.author?.toLowerCase() ?? null, filter.tag?.toLowerCase() ?? null, filter.collection?.toLowerCase() ?? null]);
    const cached = this.allowedSets.get(key);
    if (cached) {
      // Most recently used last: a Map keeps insertion order.
      this.allowedSets.delete(key);
      this.allowedSets.set(key, cached);
      return cached;
    }
    const where = conditions(filter, undefined, 1, await this.datedIn(client, generation));
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
