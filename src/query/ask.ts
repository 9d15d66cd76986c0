/**
 * The sentences that answer a question (issue 26): the top k papers are found as search finds
 * them; their abstracts' sentences and the sentences of each one's passages closest to the
 * question (PDF full text) are embedded now (cached by text) and scored at sentence level
 * (src/ranking/sentence-evidence.ts); near-duplicates are dropped and the best kept, best first,
 * within the token budget. Whether the answer is confident is the calibrated relevance of the
 * papers (src/query/confidence.ts).
 */
import { paperUrl } from "../export/exportable.js";
import { bibtexKeys } from "../export/bibtex.js";
import { answerHeading, evidenceLine, NOT_CONFIDENT, referenceLine } from "../export/answer.js";
import { tokenCount } from "../corpus/passages.js";
import type { Paper } from "../corpus/paper.js";
import { LIMITS } from "../limits.js";
import { queryTerms } from "../ranking/analyzer.js";
import { idf } from "../ranking/bm25.js";
import { splitSentences } from "../ranking/explain.js";
import { DEFAULT_MODE } from "../ranking/modes.js";
import { distinctBest, firstPerson, isMethodQuestion, lengthFeature, methodFeature, sentenceScore, termOverlap, withinBudget, type SentenceFeatures } from "../ranking/sentence-evidence.js";
import type { GenerationReader } from "../store/store.js";
import { checkAskBudget, checkAskK, checkQuestion } from "./check.js";
import { confidence, matchFeatures } from "./confidence.js";
import type { EmbedQuery } from "./rank.js";
import { search } from "./search.js";
import type { Answer, AskRequest, EvidencePaper, EvidenceSentence } from "./types.js";

/** Embeds sentences (cached by text: see SentenceVectors). */
export type EmbedSentences = (texts: readonly string[]) => Promise<Float32Array[]>;

/** Passages of one paper whose sentences are candidates: the closest to the question. */
export const PASSAGES_PER_PAPER = 2;
/** Evidence sentences one answer holds at most, before its budget. */
export const MAX_EVIDENCE = 20;

/** A sentence that may answer, with where it came from and its features. */
export interface Candidate {
  text: string;
  paperIndex: number;
  page: number | null;
  section: string | null;
  features: SentenceFeatures;
  score: number;
}

interface Source {
  paperIndex: number;
  text: string;
  page: number | null;
  section: string | null;
}

/** Passage labels by paper label, for each generation's owners map (built once). */
const passagesByPaper = new WeakMap<ReadonlyMap<number, number>, Map<number, number[]>>();

function invert(owners: ReadonlyMap<number, number>): Map<number, number[]> {
  let byPaper = passagesByPaper.get(owners);
  if (!byPaper) {
    byPaper = new Map();
    for (const [passage, paper] of owners) {
      const list = byPaper.get(paper);
      if (list) list.push(passage);
      else byPaper.set(paper, [passage]);
    }
    passagesByPaper.set(owners, byPaper);
  }
  return byPaper;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** The texts (abstract, best passages) whose sentences are candidates, each paper's abstract first. */
async function sources(reader: GenerationReader, vector: Float32Array, papers: readonly Paper[], labels: readonly (number | undefined)[]): Promise<Source[]> {
  const owners = await reader.passageOwners();
  const byPaper = owners.size > 0 ? invert(owners) : new Map<number, number[]>();
  const out: Source[] = [];
  for (const [paperIndex, paper] of papers.entries()) {
    if (paper.abstract.trim()) out.push({ paperIndex, text: paper.abstract, page: null, section: null });
    const passageLabels = labels[paperIndex] === undefined ? [] : (byPaper.get(labels[paperIndex]!) ?? []);
    if (passageLabels.length === 0) continue;
    const vectors = await reader.vectors(passageLabels);
    const best = passageLabels
      .map((label, i) => ({ label, cosine: dot(vector, vectors[i]!) }))
      .sort((a, b) => b.cosine - a.cosine)
      .slice(0, PASSAGES_PER_PAPER);
    const passages = await reader.passagesByLabels(best.map((b) => b.label));
    for (const passage of passages) if (passage) out.push({ paperIndex, text: passage.text, page: passage.page, section: passage.section });
  }
  return out;
}

/** The question's terms with their idf (each distinct term once). */
async function questionWeights(reader: GenerationReader, question: string): Promise<Map<string, number>> {
  const terms = [...new Set(queryTerms(question))];
  const { documents, frequencies } = await reader.documentFrequencies(terms);
  return new Map(terms.map((t) => [t, idf(documents, frequencies.get(t) ?? 0)]));
}

/** Every candidate sentence of the top papers, scored (unsorted). */
export async function candidates(
  reader: GenerationReader,
  embedQuery: EmbedQuery,
  embedSentences: EmbedSentences,
  question: string,
  papers: readonly Paper[],
  relevance: readonly number[],
): Promise<Candidate[]> {
  const vector = await embedQuery(question);
  const labels = await reader.labelsOf(papers.map((p) => p.id));
  const [texts, weights, paperVectors] = await Promise.all([
    sources(reader, vector, papers, labels),
    questionWeights(reader, question),
    reader.vectors(labels.map((l) => l ?? 0)),
  ]);
  const split = texts.flatMap((source) => {
    const sentences = splitSentences(source.text);
    return sentences.map((text, i) => ({ source, text, position: sentences.length > 1 ? i / (sentences.length - 1) : 0 }));
  });
  const vectors = await embedSentences(split.map((s) => s.text));
  const methodQuestion = isMethodQuestion(question);
  return split.map(({ source, text, position }, i) => {
    const features: SentenceFeatures = {
      cosine: dot(vector, vectors[i]!),
      overlap: termOverlap(weights, text),
      paper: relevance[source.paperIndex] ?? 0,
      reciprocalRank: 1 / (source.paperIndex + 1),
      position,
      passage: source.page === null ? 0 : 1,
      length: lengthFeature(tokenCount(text)),
      centrality: labels[source.paperIndex] === undefined ? 0 : dot(paperVectors[source.paperIndex]!, vectors[i]!),
      firstPerson: firstPerson(text),
      method: methodFeature(methodQuestion, text),
    };
    return { text, paperIndex: source.paperIndex, page: source.page, section: source.section, features, score: sentenceScore(features) };
  });
}

function evidencePapers(papers: readonly Paper[]): EvidencePaper[] {
  const keys = bibtexKeys(papers);
  return papers.map((p) => ({ id: p.id, title: p.title, year: p.year, authors: p.authors, url: paperUrl(p), key: keys.get(p.id)! }));
}

/** The top papers, their confidence, and every candidate sentence scored (unsorted): what ask chooses from (and bench/ask-scifact.mjs tunes on). */
export async function askCandidates(
  reader: GenerationReader,
  embedQuery: EmbedQuery,
  embedSentences: EmbedSentences,
  request: AskRequest,
): Promise<{ question: string; k: number; budget: number; hits: Paper[]; confident: boolean; candidates: Candidate[] }> {
  const question = checkQuestion(request.question);
  const k = request.k ?? LIMITS.askDefaultK;
  const budget = request.budget ?? LIMITS.askDefaultBudget;
  checkAskK(k);
  checkAskBudget(budget);
  const hits = await search(reader, embedQuery, question, k, request.mode ?? DEFAULT_MODE, request.filter);
  if (hits.length === 0) return { question, k, budget, hits, confident: false, candidates: [] };
  const sure = confidence(await matchFeatures(reader, embedQuery, question, hits.map((h) => h.id)));
  const scored = await candidates(reader, embedQuery, embedSentences, question, hits, sure.relevance);
  return { question, k, budget, hits, confident: sure.confident, candidates: scored };
}

export async function ask(reader: GenerationReader, embedQuery: EmbedQuery, embedSentences: EmbedSentences, request: AskRequest): Promise<Answer> {
  const { question, k, budget, hits, confident, candidates: scored } = await askCandidates(reader, embedQuery, embedSentences, request);
  const best = distinctBest(scored, MAX_EVIDENCE);
  const papers = evidencePapers(hits);

  // The budget counts the Markdown answer's own lines (src/export/answer.ts), ids and reference
  // numbers at their widest.
  const fixed = tokenCount(answerHeading(question)) + (confident ? 0 : tokenCount(NOT_CONFIDENT)) + tokenCount("References:");
  const kept = withinBudget(
    best,
    budget,
    fixed,
    (c) => tokenCount(evidenceLine({ id: MAX_EVIDENCE, text: c.text, page: c.page, section: c.section, paper: papers[c.paperIndex]! })),
    (c) => ({ key: papers[c.paperIndex]!.key, cost: tokenCount(referenceLine(papers[c.paperIndex]!, k)) }),
  );

  const references: EvidencePaper[] = [];
  const evidence: EvidenceSentence[] = kept.map((c, i) => {
    const paper = papers[c.paperIndex]!;
    if (!references.includes(paper)) references.push(paper);
    return { id: i + 1, text: c.text, score: Math.round(c.score * 1e4) / 1e4, page: c.page, section: c.section, paper };
  });
  return { question, confident, evidence, references };
}
