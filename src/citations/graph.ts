/**
 * The citation graph of one generation, read from its links (links.ts): who cites whom inside the
 * library, and the external works (not in the library) that references name, each known by one key
 * however its references print it (a DOI in one list, only the title in another: one work when a
 * reference gives both). Related work by citations scores, for a paper P, every other library paper
 * Q by Adamic/Adar over shared neighbours, as Inciteful does:
 *
 * - co-citation: a paper C citing both P and Q adds 1 / ln(number of references of C);
 * - bibliographic coupling: a work W both cite adds 1 / ln(number of library papers citing W);
 * - a direct citation (P cites Q or Q cites P) adds 1.
 *
 * So a rare shared neighbour weighs more than one everybody shares, as in Connected Papers.
 */
import type { Reference } from "../corpus/references/reference.js";
import { normaliseArxivId, normaliseDoi } from "./match.js";
import type { CitationData, CitingEntry } from "./links.js";
import { matchableTitle, normaliseTitle } from "./titles.js";

/** A reference's keys as an external work: DOI, arXiv id, normalised title (each when it has one). */
export function externalKeys(reference: Reference): string[] {
  const keys: string[] = [];
  const doi = normaliseDoi(reference.doi);
  const arxiv = normaliseArxivId(reference.arxivId);
  const title = reference.title ? normaliseTitle(reference.title) : "";
  if (doi) keys.push(`doi:${doi}`);
  if (arxiv) keys.push(`arxiv:${arxiv}`);
  if (matchableTitle(title)) keys.push(`title:${title}`);
  return keys;
}

/** The citation evidence of one related paper. */
export interface CitationEvidence {
  /** Library papers citing both (co-citation), by id. */
  citedTogetherBy: string[];
  /** Works both cite (bibliographic coupling): a library paper's id, or an external work's key, with a title to show. */
  bothCite: { id: string | null; key: string; title: string }[];
  /** The paper cites this one. */
  cites: boolean;
  /** This one cites the paper. */
  citedBy: boolean;
}

export interface CitationNeighbour {
  id: string;
  score: number;
  evidence: CitationEvidence;
}

/** Union-find over external keys: keys one reference gives together name one work. */
class WorkKeys {
  private readonly parent = new Map<string, string>();

  find(key: string): string {
    let root = key;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(key, root);
    return root;
  }

  join(keys: readonly string[]): void {
    for (const key of keys) if (!this.parent.has(key)) this.parent.set(key, key);
    for (let i = 1; i < keys.length; i++) {
      const [a, b] = [this.find(keys[0]!), this.find(keys[i]!)];
      if (a !== b) this.parent.set(b < a ? a : b, b < a ? b : a);
    }
  }
}

export class CitationGraph {
  private readonly entries = new Map<string, CitingEntry>();
  /** Node ("paper:<lower id>" or an external work's root key) by citing paper, in reference order. */
  private readonly nodesOf = new Map<string, string[]>();
  /** Citing papers (lower ids) by node. */
  private readonly citers = new Map<string, Set<string>>();
  /** A title to show by node. */
  private readonly titles = new Map<string, string>();
  /** Library ids as stored, by lower id. */
  private readonly ids = new Map<string, string>();

  constructor(data: CitationData | null) {
    const works = new WorkKeys();
    for (const entry of data?.papers ?? []) {
      entry.refs.forEach((ref, i) => {
        if (entry.to[i] === null) works.join(externalKeys(ref));
      });
    }
    for (const entry of data?.papers ?? []) {
      const citing = entry.id.toLowerCase();
      this.entries.set(citing, entry);
      this.ids.set(citing, entry.id);
      const nodes: string[] = [];
      entry.refs.forEach((ref, i) => {
        const to = entry.to[i] ?? null;
        const keys = to === null ? externalKeys(ref) : [];
        const node = to !== null ? `paper:${to.toLowerCase()}` : keys.length > 0 ? works.find(keys[0]!) : null;
        if (to !== null) this.ids.set(to.toLowerCase(), to);
        if (node === null) return;
        nodes.push(node);
        if (!this.titles.has(node)) this.titles.set(node, ref.title ?? ref.raw);
        const set = this.citers.get(node) ?? this.citers.set(node, new Set()).get(node)!;
        set.add(citing);
      });
      this.nodesOf.set(citing, [...new Set(nodes)]);
    }
  }

  /** Whether any paper of the library has a reference list. */
  get empty(): boolean {
    return this.entries.size === 0;
  }

  /** A paper's reference list with its links, or undefined when none was read. */
  references(id: string): CitingEntry | undefined {
    return this.entries.get(id.toLowerCase());
  }

  /** Ids of library papers whose references name this paper, in link order. */
  citedBy(id: string): string[] {
    return [...(this.citers.get(`paper:${id.toLowerCase()}`) ?? [])].map((citing) => this.ids.get(citing)!);
  }

  /** Whether a paper has any citation link: a reference list, or a library paper citing it. */
  linked(id: string): boolean {
    return this.entries.has(id.toLowerCase()) || this.citers.has(`paper:${id.toLowerCase()}`);
  }

  /** The external key of a reference as this graph knows its work (for references not in the library). */
  workKey(citing: string, index: number): string | null {
    const entry = this.entries.get(citing.toLowerCase());
    if (!entry || entry.to[index] !== null) return null;
    const keys = externalKeys(entry.refs[index]!);
    return keys.length > 0 ? keys[0]! : null;
  }

  /** Library papers related to `id` by co-citation, coupling and direct citation, best first. */
  neighbours(id: string, hidden: ReadonlySet<string> = new Set()): CitationNeighbour[] {
    const self = id.toLowerCase();
    const node = `paper:${self}`;
    const found = new Map<string, CitationNeighbour>();
    const at = (other: string) => {
      let neighbour = found.get(other);
      if (!neighbour) found.set(other, (neighbour = { id: this.ids.get(other) ?? other, score: 0, evidence: { citedTogetherBy: [], bothCite: [], cites: false, citedBy: false } }));
      return neighbour;
    };
    const libraryPaper = (n: string) => (n.startsWith("paper:") ? n.slice(6) : null);
    // Co-citation: every paper citing this one, and what else it cites.
    for (const citing of this.citers.get(node) ?? []) {
      if (hidden.has(citing)) continue;
      const nodes = this.nodesOf.get(citing)!;
      const weight = 1 / Math.log(Math.max(nodes.length, 2));
      for (const other of nodes) {
        const q = libraryPaper(other);
        if (q === null || q === self) continue;
        const n = at(q);
        n.score += weight;
        n.evidence.citedTogetherBy.push(this.ids.get(citing)!);
      }
      if (citing !== self) {
        const n = at(citing);
        n.score += 1;
        n.evidence.citedBy = true;
      }
    }
    // Coupling and direct citations: what this paper cites, and who else cites it.
    if (!hidden.has(self)) {
      for (const work of this.nodesOf.get(self) ?? []) {
        const q = libraryPaper(work);
        if (q !== null && q !== self) {
          const n = at(q);
          n.score += 1;
          n.evidence.cites = true;
        }
        const citers = [...(this.citers.get(work) ?? [])].filter((c) => !hidden.has(c));
        if (citers.length < 2) continue;
        const weight = 1 / Math.log(citers.length);
        for (const other of citers) {
          if (other === self) continue;
          const n = at(other);
          n.score += weight;
          n.evidence.bothCite.push({ id: q === null ? null : this.ids.get(q) ?? q, key: work, title: this.titles.get(work) ?? work });
        }
      }
    }
    found.delete(self);
    return [...found.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  }
}

/** The evidence in words: "cited together by 3 of your papers; both cite X and Y; cites it". */
export function describeEvidence(evidence: CitationEvidence): string {
  const parts: string[] = [];
  const n = evidence.citedTogetherBy.length;
  if (n > 0) parts.push(`cited together by ${n} of your papers`);
  const shared = evidence.bothCite.map((work) => work.title);
  if (shared.length > 0) parts.push(`both cite ${shared.length <= 2 ? shared.map(quote).join(" and ") : `${shared.slice(0, 2).map(quote).join(", ")} and ${shared.length - 2} more`}`);
  if (evidence.cites) parts.push("the paper cites it");
  if (evidence.citedBy) parts.push("it cites the paper");
  return parts.join("; ");
}

function quote(title: string): string {
  const short = title.length > 60 ? title.slice(0, 57) + "…" : title;
  return `"${short}"`;
}
