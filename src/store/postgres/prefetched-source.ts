/**
 * Runs a synchronous computation over a RecommendSource (src/ranking/recommend.ts) whose data is in
 * a database: the computation runs against what has been fetched so far, with stand-ins for what
 * is missing (no hits, no text, zero vectors), while the source notes what it was asked for; that
 * is fetched, in a few batched queries, and the computation runs again, until a run asks for
 * nothing new. The computation is deterministic, so each run asks for what the last run's answers
 * led to, and recommend settles in four or five runs: pools, then texts and vectors, then
 * document frequencies.
 */
import { createHash } from "node:crypto";
import type { PaperFilter } from "../../ranking/filter.js";
import type { Scored } from "../../ranking/fusion.js";
import type { RecommendSource } from "../../ranking/recommend.js";

/** What the database answers, asynchronously and in batches. */
export interface AsyncRecommendSource {
  dimension: number;
  vectors(labels: readonly number[]): Promise<Float32Array[]>;
  texts(labels: readonly number[]): Promise<(string | undefined)[]>;
  denseSearch(vector: Float32Array, depth: number, exclude: ReadonlySet<number>, within?: PaperFilter): Promise<Scored[]>;
  lexicalSearch(text: string, depth: number, within?: PaperFilter): Promise<Scored[]>;
  documentFrequencies(terms: readonly string[]): Promise<{ documents: number; frequencies: Map<string, number> }>;
  allLabels(within?: PaperFilter): Promise<number[]>;
  randomLabels(n: number, seed: number): Promise<number[]>;
}

const MAX_RUNS = 12;

export async function withPrefetchedSource<T>(remote: AsyncRecommendSource, compute: (source: RecommendSource) => T): Promise<T> {
  const vectors = new Map<number, Float32Array>();
  const texts = new Map<number, string | undefined>();
  const dense = new Map<string, Scored[]>();
  const lexical = new Map<string, Scored[]>();
  const frequencies = new Map<string, number>();
  let documents = 0;
  const all = new Map<string, number[]>();
  const random = new Map<string, number[]>();
  const zero = new Float32Array(remote.dimension);

  for (let run = 1; ; run++) {
    const want = {
      vectors: new Set<number>(),
      texts: new Set<number>(),
      dense: new Map<string, [Float32Array, number, ReadonlySet<number>, PaperFilter | undefined]>(),
      lexical: new Map<string, [string, number, PaperFilter | undefined]>(),
      terms: new Set<string>(),
      all: new Map<string, PaperFilter | undefined>(),
      random: new Map<string, [number, number]>(),
    };
    const source: RecommendSource = {
      vector: (label) => vectors.get(label) ?? (want.vectors.add(label), zero),
      text: (label) => (texts.has(label) ? texts.get(label) : (want.texts.add(label), undefined)),
      denseSearch: (vector, depth, exclude, within) => {
        const key = `${digest(vector)} ${depth} ${[...exclude].sort((a, b) => a - b).join(",")} ${scopeKey(within)}`;
        return dense.get(key) ?? (want.dense.set(key, [vector, depth, exclude, within]), []);
      },
      lexicalSearch: (text, depth, within) => {
        const key = `${depth} ${scopeKey(within)} ${text}`;
        return lexical.get(key) ?? (want.lexical.set(key, [text, depth, within]), []);
      },
      documentFrequencies: (terms) => {
        const asked = new Map<string, number>();
        for (const term of terms) {
          if (!frequencies.has(term)) want.terms.add(term);
          asked.set(term, frequencies.get(term) ?? 0);
        }
        return { documents, frequencies: asked };
      },
      allLabels: (within) => all.get(scopeKey(within)) ?? (want.all.set(scopeKey(within), within), []),
      randomLabels: (n, seed) => random.get(`${n} ${seed}`) ?? (want.random.set(`${n} ${seed}`, [n, seed]), []),
    };
    const result = compute(source);
    const missing = want.vectors.size + want.texts.size + want.dense.size + want.lexical.size + want.terms.size + want.random.size + want.all.size;
    if (missing === 0 || run >= MAX_RUNS) return result;
    await Promise.all([
      (async () => {
        const labels = [...want.vectors];
        (await remote.vectors(labels)).forEach((v, i) => vectors.set(labels[i]!, v));
      })(),
      (async () => {
        const labels = [...want.texts];
        (await remote.texts(labels)).forEach((t, i) => texts.set(labels[i]!, t));
      })(),
      ...[...want.dense].map(async ([key, [vector, depth, exclude, within]]) => dense.set(key, await remote.denseSearch(vector, depth, exclude, within))),
      ...[...want.lexical].map(async ([key, [text, depth, within]]) => lexical.set(key, await remote.lexicalSearch(text, depth, within))),
      (async () => {
        if (want.terms.size === 0) return;
        const found = await remote.documentFrequencies([...want.terms]);
        documents = found.documents;
        for (const [term, n] of found.frequencies) frequencies.set(term, n);
      })(),
      ...[...want.all].map(async ([key, within]) => all.set(key, await remote.allLabels(within))),
      ...[...want.random].map(async ([key, [n, seed]]) => random.set(key, await remote.randomLabels(n, seed))),
    ]);
  }
}

/** A filter as a key: the same conditions, the same key. */
function scopeKey(within: PaperFilter | undefined): string {
  return within ? JSON.stringify(Object.entries(within).sort(([a], [b]) => (a < b ? -1 : 1))) : "";
}

function digest(vector: Float32Array): string {
  return createHash("sha1").update(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)).digest("hex");
}
