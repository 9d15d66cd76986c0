/**
 * The citation links of one generation: each citing paper's reference list, in order, and for
 * each reference the library paper it names (or null: an external work, see graph.ts). Both stores
 * keep it as one JSON artifact (CITATIONS_ARTIFACT) written in the same commit as the papers.
 *
 * An update is incremental (linkCitations): a paper given with `references` replaces its list and
 * only that list is matched against the library; a removed paper takes its list with it and its
 * citers' links to it become external; a paper added (or rewritten) is linked from the stored
 * references nobody matched, found through an index of those references, not by matching the
 * library again. The rule is symmetric (match.ts), so linking in one run or over several agrees.
 */
import type { Reference } from "../corpus/references/reference.js";
import { betterMatch, matchKeys, matchScore, normaliseArxivId, normaliseDoi, PaperCatalog, type LinkTarget, type MatchKeys } from "./match.js";
import { normaliseTitle, TitleIndex, titleWords } from "./titles.js";

export const CITATIONS_VERSION = 1;

/** One citing paper's list: `to[i]` is the id of the library paper `refs[i]` names, or null. */
export interface CitingEntry {
  id: string;
  refs: Reference[];
  to: (string | null)[];
}

export interface CitationData {
  version: number;
  papers: CitingEntry[];
}

/** What an update changes, as the store's diff saw it (ids as given; compared case-insensitively). */
export interface LinkUpdate {
  /** The previous generation's links; null for a new or rebuilt index. */
  previous: CitationData | null;
  /** Papers the update writes or leaves unchanged: each with `references` set replaces its list. */
  given: readonly { id: string; references?: readonly Reference[] }[];
  /** Papers whose rows this update writes (added, re-embedded, refreshed): stored references may now name them. */
  written: readonly LinkTarget[];
  /** Ids of papers this update removes. */
  removed: readonly string[];
}

/** What is wrong with stored links, or null. */
export function citationDataProblem(data: unknown): string | null {
  if (typeof data !== "object" || data === null) return "not an object";
  const d = data as Partial<CitationData>;
  if (d.version !== CITATIONS_VERSION) return `version ${String(d.version)}, this papers reads ${CITATIONS_VERSION}`;
  if (!Array.isArray(d.papers)) return "no list of papers";
  for (const entry of d.papers) {
    if (typeof entry?.id !== "string" || !Array.isArray(entry.refs) || !Array.isArray(entry.to) || entry.refs.length !== entry.to.length) return "a paper's references and links differ in length";
  }
  return null;
}

/** Whether `update` changes anything over its previous links, before any matching is done. */
export function citationsChange(update: LinkUpdate): boolean {
  const previous = byId(update.previous);
  const removed = new Set(update.removed.map((id) => id.toLowerCase()));
  if (removed.size > 0) {
    for (const entry of previous.values()) {
      if (removed.has(entry.id.toLowerCase()) || entry.to.some((to) => to !== null && removed.has(to.toLowerCase()))) return true;
    }
  }
  // A written paper changes the store anyway; links are brought up to date in that commit.
  return update.given.some((paper) => paper.references !== undefined && !sameReferences(previous.get(paper.id.toLowerCase())?.refs, paper.references));
}

/**
 * The links after `update`: `catalog` gives every paper of the new generation, and is called only
 * when some reference list is new. `changed` is false when the links came out the same.
 */
export function linkCitations(update: LinkUpdate, catalog: () => Iterable<LinkTarget>): { data: CitationData; changed: boolean } {
  const previous = byId(update.previous);
  const removed = new Set(update.removed.map((id) => id.toLowerCase()));
  const next = new Map<string, CitingEntry>();
  // Tracked as it goes: comparing a 15 MB artifact's JSON would cost a commit more than the update.
  let changed = false;
  for (const [key, entry] of previous) {
    if (removed.has(key)) changed = true;
    else next.set(key, { ...entry, to: [...entry.to] });
  }

  // New lists replace stored ones, and are matched against the whole new generation.
  const fresh: CitingEntry[] = [];
  for (const paper of update.given) {
    if (paper.references === undefined || removed.has(paper.id.toLowerCase())) continue;
    const stored = next.get(paper.id.toLowerCase());
    if (stored ? sameReferences(stored.refs, paper.references) : paper.references.length === 0) continue;
    const entry: CitingEntry = { id: paper.id, refs: [...paper.references], to: [] };
    if (entry.refs.length === 0) next.delete(paper.id.toLowerCase());
    else next.set(paper.id.toLowerCase(), entry);
    fresh.push(entry);
    changed = true;
  }
  const withRefs = fresh.filter((entry) => entry.refs.length > 0);
  if (withRefs.length > 0) {
    const papers = new PaperCatalog(catalog());
    for (const entry of withRefs) entry.to = entry.refs.map((ref) => papers.match(ref, entry.id));
  }
  const freshSet = new Set(fresh);

  // Links to removed papers become external; links to rewritten papers must still hold.
  const written = new Map(update.written.map((paper) => [paper.id.toLowerCase(), { id: paper.id, keys: matchKeys(paper) }]));
  for (const entry of next.values()) {
    if (freshSet.has(entry)) continue;
    entry.to.forEach((to, i) => {
      if (to === null) return;
      const now = written.get(to.toLowerCase());
      if (removed.has(to.toLowerCase()) || (now && matchScore(matchKeys(entry.refs[i]!), now.keys) === 0)) {
        entry.to[i] = null;
        changed = true;
      }
    });
  }
  if (linkWritten(next, freshSet, [...written.values()]) > 0) changed = true;

  const data: CitationData = { version: CITATIONS_VERSION, papers: [...next.values()] };
  return { data, changed };
}

/**
 * Stored references no paper matched, linked to the written papers they name: an index of those
 * references (by DOI, arXiv id, title words) is looked up with each written paper's keys.
 */
function linkWritten(entries: ReadonlyMap<string, CitingEntry>, fresh: ReadonlySet<CitingEntry>, written: readonly { id: string; keys: MatchKeys }[]): number {
  if (written.length === 0) return 0;
  // Full keys (first author, word set) only for the references a written paper makes candidates.
  class Open {
    private computed: MatchKeys | undefined;
    constructor(readonly entry: CitingEntry, readonly index: number) {}
    get keys(): MatchKeys {
      return (this.computed ??= matchKeys(this.entry.refs[this.index]!));
    }
  }
  const byDoi = new Map<string, Open[]>();
  const byArxiv = new Map<string, Open[]>();
  const titles = new TitleIndex<Open>();
  const push = (map: Map<string, Open[]>, key: string, open: Open) => (map.get(key) ?? map.set(key, []).get(key)!).push(open);
  for (const entry of entries.values()) {
    if (fresh.has(entry)) continue;
    entry.to.forEach((to, index) => {
      if (to !== null) return;
      const open = new Open(entry, index);
      const ref = entry.refs[index]!;
      const doi = normaliseDoi(ref.doi);
      const arxivId = normaliseArxivId(ref.arxivId);
      const title = ref.title ? normaliseTitle(ref.title) : "";
      if (doi) push(byDoi, doi, open);
      if (arxivId) push(byArxiv, arxivId, open);
      if (title) titles.add(open, titleWords(title));
    });
  }
  const best = new Map<Open, { item: { id: string; keys: MatchKeys }; score: number }>();
  for (const paper of written) {
    const found = new Set<Open>([
      ...(paper.keys.doi ? byDoi.get(paper.keys.doi) ?? [] : []),
      ...(paper.keys.arxivId ? byArxiv.get(paper.keys.arxivId) ?? [] : []),
      ...(paper.keys.title ? titles.candidates(paper.keys.words) : []),
    ]);
    for (const open of found) {
      if (open.entry.id.toLowerCase() === paper.id.toLowerCase()) continue;
      const score = matchScore(open.keys, paper.keys);
      const candidate = { item: paper, score };
      if (score > 0 && betterMatch(open.keys, best.get(open) ?? null, candidate)) best.set(open, candidate);
    }
  }
  for (const [open, { item }] of best) open.entry.to[open.index] = item.id;
  return best.size;
}

function byId(data: CitationData | null): Map<string, CitingEntry> {
  return new Map((data?.papers ?? []).map((entry) => [entry.id.toLowerCase(), entry]));
}

function sameReferences(a: readonly Reference[] | undefined, b: readonly Reference[]): boolean {
  if (a === undefined) return b.length === 0;
  return JSON.stringify(a) === JSON.stringify(b);
}
