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
import type { Scored } from "../../ranking/fusion.js";
import type { RecommendSource } from "../../ranking/recommend.js";

/** What the database answers, asynchronously and in batches. */
export interface AsyncRecommendSource {
  dimension: number;
  vectors(labels: readonly number[]): Promise<Float32Array[]>;
  texts(labels: readonly number[]): Promise<(string | undefined)[]>;
  denseSearch(vector: Float32Array, depth: number, exclude: ReadonlySet<number>): Promise<Scored[]>;
  lexicalSearch(text: string, depth: number): Promise<Scored[]>;
  documentFrequencies(terms: readonly string[]): Promise<{ documents: number; frequencies: Map<string, number> }>;
  allLabels(): Promise<number[]>;
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
  let all: number[] | undefined;
  const random = new Map<string, number[]>();
  const zero = new Float32Array(remote.dimension);

  for (let run = 1; ; run++) {
    const want = {
      vectors: new Set<number>(),
      texts: new Set<number>(),
      dense: new Map<string, [Float32Array, number, ReadonlySet<number>]>(),
      lexical: new Map<string, [string, number]>(),
      terms: new Set<string>(),
      all: false,
      random: new Map<string, [number, number]>(),
    };
    const source: RecommendSource = {
      vector: (label) => vectors.get(label) ?? (want.vectors.add(label), zero),
      text: (label) => (texts.has(label) ? texts.get(label) : (want.texts.add(label), undefined)),
      denseSearch: (vector, depth, exclude) => {
        const key = `${digest(vector)} ${depth} ${[...exclude].sort((a, b) => a - b).join(",")}`;
        return dense.get(key) ?? (want.dense.set(key, [vector, depth, exclude]), []);
      },
      lexicalSearch: (text, depth) => lexical.get(`${depth} ${text}`) ?? (want.lexical.set(`${depth} ${text}`, [text, depth]), []),
      documentFrequencies: (terms) => {
        const asked = new Map<string, number>();
        for (const term of terms) {
          if (!frequencies.has(term)) want.terms.add(term);
          asked.set(term, frequencies.get(term) ?? 0);
        }
        return { documents, frequencies: asked };
      },
      allLabels: () => all ?? ((want.all = true), []),
      randomLabels: (n, seed) => random.get(`${n} ${seed}`) ?? (want.random.set(`${n} ${seed}`, [n, seed]), []),
    };
    const result = compute(source);
    const missing = want.vectors.size + want.texts.size + want.dense.size + want.lexical.size + want.terms.size + want.random.size + (want.all ? 1 : 0);
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
      ...[...want.dense].map(async ([key, [vector, depth, exclude]]) => dense.set(key, await remote.denseSearch(vector, depth, exclude))),
      ...[...want.lexical].map(async ([key, [text, depth]]) => lexical.set(key, await remote.lexicalSearch(text, depth))),
      (async () => {
        if (want.terms.size === 0) return;
        const found = await remote.documentFrequencies([...want.terms]);
        documents = found.documents;
        for (const [term, n] of found.frequencies) frequencies.set(term, n);
      })(),
      (async () => {
        if (want.all) all = await remote.allLabels();
      })(),
      ...[...want.random].map(async ([key, [n, seed]]) => random.set(key, await remote.randomLabels(n, seed))),
    ]);
  }
}

function digest(vector: Float32Array): string {
  return createHash("sha1").update(Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)).digest("hex");
}
