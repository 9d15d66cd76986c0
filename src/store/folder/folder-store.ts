/**
 * The folder store: an index as a folder of generations on disk (HNSW graph in hnswlib's file,
 * papers and BM25 postings in SQLite; see the files beside this one). This is papers' original store, behind the
 * IndexStore interface with no change in behaviour.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { documentText, type Paper } from "../../corpus/paper.js";
import type { Embedder } from "../../embed/embedder.js";
import { EXACT_SCAN_LIMIT } from "../shared/hnsw.js";
import type { IndexState, IndexStateChanges } from "../shared/index-state.js";
import type { Manifest } from "../shared/manifest.js";
import { pickRandomLabels, randomCandidates } from "../shared/random-labels.js";
import type { MapSource } from "../shared/topic-map-build.js";
import type { StepReport } from "../../map/topic-map.js";
import type { VectorIndex } from "../shared/vector-index.js";
import type { SavedLikes } from "../shared/likes.js";
import type { GenerationReader, IndexStore, LikesUpdate, RemoveSummary, SearchScope, StoreModel, UpdateOptions, UpdateSummary } from "../store.js";
import { completeGenerations, currentGeneration } from "./generations.js";
import { graphMapSource } from "./graph-map-source.js";
import { HNSW_FILE, isCompleteGeneration, readManifest } from "./manifest-file.js";
import { openCurrentGeneration } from "./open-generation.js";
import { isNonFolder, notAFolder } from "./ownership.js";
import type { PaperTable } from "./paper-table.js";
import { readStateFile, removeFromIndex, updateIndex } from "./update-index.js";
import { updateFolderLikes } from "./update-likes.js";
import type { TermScore } from "../../ranking/bm25.js";
import { hasConditions, type PaperFilter } from "../../ranking/filter.js";
import type { Scored } from "../../ranking/fusion.js";
import type { RecommendSource } from "../../ranking/recommend.js";

export class FolderStore implements IndexStore {
  constructor(readonly indexDir: string) {}

  get location(): string {
    return this.indexDir;
  }

  async liveGeneration(): Promise<string | null> {
    const dir = currentGeneration(this.indexDir, isCompleteGeneration);
    return dir && basename(dir);
  }

  async isEmpty(): Promise<boolean> {
    return currentGeneration(this.indexDir, isCompleteGeneration) === null && completeGenerations(this.indexDir, () => true).length === 0;
  }

  async builtModel(): Promise<Manifest["model"] | undefined> {
    const current = currentGeneration(this.indexDir, isCompleteGeneration);
    return current ? readManifest(current, { upgradable: true }).model : undefined;
  }

  async liveState(): Promise<{ manifest: Manifest; state: IndexState } | null> {
    const current = currentGeneration(this.indexDir, isCompleteGeneration);
    return current ? { manifest: readManifest(current, { upgradable: true }), state: readStateFile(current, false) } : null;
  }

  async open(check?: (manifest: Manifest) => void): Promise<GenerationReader> {
    if (isNonFolder(this.indexDir)) throw notAFolder(this.indexDir);
    const generation = openCurrentGeneration(this.indexDir, check);
    return new FolderGeneration(generation.dir, generation.manifest, generation.vectors, generation.store, generation.recovered, generation.sizeBytes, generation.likes);
  }

  update(papers: readonly Paper[], model: StoreModel, loadEmbedder: () => Promise<Embedder>, options: UpdateOptions): Promise<UpdateSummary> {
    return updateIndex(this.indexDir, papers, model, loadEmbedder, options);
  }

  remove(ids: readonly string[], options: { wait?: boolean; state?: IndexStateChanges }): Promise<RemoveSummary> {
    return removeFromIndex(this.indexDir, ids, options);
  }

  updateLikes(change: LikesUpdate, options: { wait?: boolean }): Promise<SavedLikes> {
    return updateFolderLikes(this.indexDir, change, options);
  }

  async close(): Promise<void> {}
}

/** One generation folder, opened: the HNSW graph in memory, the SQLite store open read-only. */
class FolderGeneration implements GenerationReader {
  readonly generation: string;
  /** The labels a filter allows, resolved once per filter object (a search's two retrievers share it). */
  private readonly allowedByFilter = new WeakMap<PaperFilter, Set<number>>();

  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    private readonly graph: VectorIndex,
    private readonly store: PaperTable,
    readonly recovered: string | null,
    private readonly bytes: number,
    private readonly saved: SavedLikes,
  ) {
    this.generation = basename(dir);
  }

  get location(): string {
    return this.dir;
  }

  get vectorCount(): number {
    return this.graph.size;
  }

  async sizeBytes(): Promise<number> {
    return this.bytes;
  }

  /** A folder has no server to tune. */
  async advice(): Promise<string[]> {
    return [];
  }

  async byLabels(labels: readonly number[]): Promise<(Paper | undefined)[]> {
    return labels.map((label) => this.store.byLabel(label));
  }

  async byId(id: string): Promise<{ label: number; paper: Paper } | undefined> {
    return this.store.byId(id);
  }

  async all(filter?: PaperFilter): Promise<Paper[]> {
    if (!hasConditions(filter)) return this.store.all();
    // matchingLabels lets a paper's passages through with it: only papers are wanted here.
    const labels = this.store.matchingLabels(filter).sort((a, b) => a - b);
    return labels.flatMap((label) => this.store.byLabel(label) ?? []);
  }

  async newestDates(n: number, until?: string): Promise<string[]> {
    return this.store.newestDates(n, until);
  }

  async page(offset: number, limit: number): Promise<Paper[]> {
    return this.store.page(offset, limit);
  }

  async count(): Promise<number> {
    return this.store.count();
  }

  async vector(label: number): Promise<Float32Array> {
    return this.graph.vector(label);
  }

  async vectors(labels: readonly number[]): Promise<Float32Array[]> {
    return labels.map((label) => this.graph.vector(label));
  }

  async labelled(): Promise<{ label: number; paper: Paper }[]> {
    return [...this.store.entries().values()].sort((a, b) => a.label - b.label).map(({ label }) => ({ label, paper: this.store.byLabel(label)! }));
  }

  async denseSearch(vector: Float32Array, k: number, scope: SearchScope = {}): Promise<Scored[]> {
    const allowed = this.allowed(scope);
    if (allowed) return this.filteredDenseSearch(vector, k, allowed);
    const accept = this.acceptor(scope);
    return this.graph.search(vector, k, accept);
  }

  async lexicalSearch(text: string, k: number, scope: SearchScope = {}): Promise<Scored[]> {
    const allowed = this.allowed(scope) ?? (scope.kind === "papers" ? this.papersOnly() : undefined);
    const hits = this.store.lexicalSearch(text, k + (scope.exclude?.size ?? 0), allowed);
    return scope.exclude ? hits.filter((hit) => !scope.exclude!.has(hit.label)).slice(0, k) : hits;
  }

  async documentFrequencies(terms: Iterable<string>): Promise<{ documents: number; frequencies: Map<string, number> }> {
    return this.store.documentFrequencies(terms);
  }

  async termScores(question: string, labels: readonly number[]): Promise<TermScore[][]> {
    return labels.map((label) => this.store.termScores(question, label));
  }

  async labelsOf(ids: readonly string[]): Promise<(number | undefined)[]> {
    return ids.map((id) => this.store.byId(id)?.label);
  }

  async passageOwners(): Promise<ReadonlyMap<number, number>> {
    return this.store.passageOwners();
  }

  async passage(label: number) {
    return this.store.passage(label);
  }

  async passagesByLabels(labels: readonly number[]) {
    return labels.map((label) => this.store.passage(label));
  }

  async withRecommendSource<T>(compute: (source: RecommendSource) => T): Promise<T> {
    return compute(this.recommendSource());
  }

  private recommendSource(): RecommendSource {
    // Recommendations are papers: passages (of PDFs) are left out of the candidates.
    const owners = this.store.passageOwners();
    const papersOnly = this.papersOnly();
    return {
      vector: (label) => this.graph.vector(label),
      text: (label) => {
        const paper = this.store.byLabel(label);
        return paper && documentText(paper);
      },
      denseSearch: (vector, depth, exclude, within) =>
        hasConditions(within)
          ? this.filteredDenseSearch(vector, depth, this.allowed({ filter: within, kind: "papers", exclude })!)
          : this.graph.search(vector, depth, (label) => !exclude.has(label) && !owners.has(label)),
      lexicalSearch: (text, depth, within) => this.store.lexicalSearch(text, depth, hasConditions(within) ? this.allowed({ filter: within, kind: "papers" }) : papersOnly),
      allLabels: (within) => (hasConditions(within) ? [...this.allowed({ filter: within, kind: "papers" })!] : [...this.store.entries().values()].map((entry) => entry.label)),
      documentFrequencies: (terms) => this.store.documentFrequencies(terms),
      randomLabels: (n, seed) =>
        pickRandomLabels(randomCandidates(n, seed, this.store.nextLabel()), (label) => !!this.store.byLabel(label), Math.min(n, this.manifest.count)),
    };
  }

  async artifact(name: string): Promise<Buffer | null> {
    const path = join(this.dir, name);
    // A plain file name inside the generation folder, never a path out of it.
    if (basename(name) !== name || !existsSync(path)) return null;
    return readFileSync(path);
  }

  async mapSource(onStep?: StepReport): Promise<MapSource> {
    return graphMapSource(this.graph, join(this.dir, HNSW_FILE), this.store, this.manifest.hnsw.efSearch, onStep);
  }

  async likes(): Promise<SavedLikes> {
    return this.saved;
  }

  async close(): Promise<void> {
    this.store.close();
  }

  /**
   * The labels a scope restricts a search to, or undefined when it only excludes: a filter's
   * matches (with their passages), narrowed to papers or passages, minus the excluded.
   */
  private allowed(scope: SearchScope): ReadonlySet<number> | undefined {
    const filtered = hasConditions(scope.filter);
    if (!filtered && scope.kind !== "passages") return undefined;
    let allowed: Set<number>;
    if (filtered) {
      allowed = this.allowedByFilter.get(scope.filter!) ?? new Set(this.store.matchingLabels(scope.filter!));
      this.allowedByFilter.set(scope.filter!, allowed);
    } else {
      allowed = new Set(this.store.passageOwners().keys());
    }
    const owners = this.store.passageOwners();
    if (scope.kind === undefined && !scope.exclude) return allowed;
    return new Set(
      [...allowed].filter((label) => (scope.kind === undefined || (scope.kind === "passages") === owners.has(label)) && !scope.exclude?.has(label)),
    );
  }

  private acceptor(scope: SearchScope): ((label: number) => boolean) | undefined {
    const owners = this.store.passageOwners();
    const exclude = scope.exclude;
    if (scope.kind === "papers" && owners.size > 0) return exclude ? (label) => !exclude.has(label) && !owners.has(label) : (label) => !owners.has(label);
    return exclude ? (label) => !exclude.has(label) : undefined;
  }

  private papersOnly(): ReadonlySet<number> | undefined {
    const owners = this.store.passageOwners();
    return owners.size === 0 ? undefined : new Set(this.store.liveLabels().filter((label) => !owners.has(label)));
  }

  /**
   * Dense search among the papers a filter allows, still returning k of them when k exist: an
   * exact scan for small subsets, HNSW with a filter for large ones (falling back to the scan if
   * the graph search comes back short).
   */
  private filteredDenseSearch(vector: Float32Array, depth: number, allowed: ReadonlySet<number>): Scored[] {
    if (allowed.size <= EXACT_SCAN_LIMIT) return this.graph.exactSearch(vector, depth, allowed);
    const hits = this.graph.search(vector, depth, (label) => allowed.has(label));
    return hits.length >= Math.min(depth, allowed.size) ? hits : this.graph.exactSearch(vector, depth, allowed);
  }
}
