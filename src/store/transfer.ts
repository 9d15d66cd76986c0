/**
 * Moves an index from one store to another (a folder into PostgreSQL, or back) without embedding
 * anything: the target is updated as by `papers index`, with an "embedder" that hands back the
 * vectors the source already holds. So the target's own rules apply as they are: incremental by
 * content hash (a second copy writes nothing), the writer lock, checkpoints, one commit.
 */
import { documentText, passageText, type Paper } from "../corpus/paper.js";
import type { Embedder } from "../embed/embedder.js";
import { PapersError } from "../errors.js";
import { applyLikeChange } from "./shared/likes.js";
import { STATE_ARTIFACT, parseIndexState } from "./shared/index-state.js";
import { CITATIONS_ARTIFACT, parseCitations } from "./shared/citations-store.js";
import type { GenerationReader, IndexStore, UpdateSummary } from "./store.js";

/** Papers whose vectors are read from the source at once. */
const READ_BATCH = 2000;

export interface TransferOptions {
  /** Replace whatever the target holds (needed when it was built with another model). */
  rebuild?: boolean;
  wait?: boolean;
  /** false: the target computes no topic map from scratch (see UpdateOptions.computeMap). */
  computeMap?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export async function transferIndex(source: IndexStore, target: IndexStore, options: TransferOptions = {}): Promise<UpdateSummary> {
  const reader = await source.open();
  try {
    const { model } = reader.manifest;
    const entries = await reader.labelled();
    const passages = await attachPassages(reader, entries);
    // Reference lists go with their papers; the target matches them against its own papers.
    const citations = parseCitations(await reader.artifact(CITATIONS_ARTIFACT), reader.location);
    const lists = new Map((citations?.papers ?? []).map((entry) => [entry.id.toLowerCase(), entry.refs]));
    for (const { paper } of entries) {
      const refs = lists.get(paper.id.toLowerCase());
      if (refs) paper.references = refs;
    }
    const vectors = new Map<string, Float32Array>();
    for (let start = 0; start < entries.length; start += READ_BATCH) {
      const batch = entries.slice(start, start + READ_BATCH);
      const found = await reader.vectors(batch.map((e) => e.label));
      batch.forEach((entry, i) => vectors.set(documentText(entry.paper), found[i]!));
    }
    const { dtype, ...spec } = model;
    const carried: Embedder = {
      model: spec,
      dtype,
      async embedDocuments(texts, onProgress) {
        const fetched = await passages.vectors(texts.filter((text) => !vectors.has(text)));
        const found = texts.map((text) => {
          const vector = vectors.get(text) ?? fetched.get(text);
          if (!vector) throw new PapersError("INDEX_DAMAGED", `the index at ${source.location} has a paper without its vector: rebuild it`);
          return vector;
        });
        onProgress?.(texts.length);
        return found;
      },
      async embedQuery() {
        throw new Error("moving an index embeds no question");
      },
      async embedQueries() {
        throw new Error("moving an index embeds no question");
      },
      async dispose() {},
    };
    const summary = await target.update(
      entries.map((e) => e.paper),
      { spec, dtype },
      async () => carried,
      // Large checkpoints: nothing is computed, so there is little to save between them.
      // The source's named state (harvest positions, likes) goes with its papers, in the same commit.
      { rebuild: options.rebuild, wait: options.wait, computeMap: options.computeMap, checkpointEvery: 8192, onProgress: options.onProgress, state: parseIndexState(await reader.artifact(STATE_ARTIFACT), reader.location) },
    );
    // The likes come along, over the target's own (which a rebuild keeps too): a second commit,
    // none when the target has them already. Killed between the two, a copy run again brings them.
    const likes = await reader.likes();
    if (likes.liked.length + likes.unliked.length > 0) {
      await target.updateLikes(async (saved) => applyLikeChange(saved, { like: likes.liked, unlike: likes.unliked }), { wait: options.wait });
    }
    return summary;
  } finally {
    await reader.close();
  }
}

/**
 * Gives each paper its passages (full text of PDFs), in their order, as the target indexes them;
 * their vectors are read from the source only when the target asks for them, a batch at a time,
 * so a library's passage vectors are never all in memory at once.
 */
async function attachPassages(
  reader: GenerationReader,
  entries: readonly { label: number; paper: Paper }[],
): Promise<{ vectors(texts: readonly string[]): Promise<Map<string, Float32Array>> }> {
  const owners = await reader.passageOwners();
  const labelByText = new Map<string, number>();
  if (owners.size > 0) {
    const byPaper = new Map<number, number[]>();
    for (const [label, owner] of owners) {
      const list = byPaper.get(owner);
      if (list) list.push(label);
      else byPaper.set(owner, [label]);
    }
    for (let start = 0; start < entries.length; start += READ_BATCH) {
      const batch = entries.slice(start, start + READ_BATCH).filter((e) => byPaper.has(e.label));
      // Labels are given in a paper's passage order when it is indexed.
      const labels = batch.flatMap((e) => byPaper.get(e.label)!.sort((a, b) => a - b));
      const found = await reader.passagesByLabels(labels);
      const byLabel = new Map(labels.map((label, i) => [label, found[i]]));
      for (const entry of batch) {
        entry.paper.passages = byPaper.get(entry.label)!.map((label) => {
          const passage = byLabel.get(label);
          if (!passage) throw new PapersError("INDEX_DAMAGED", `the index at ${reader.location} changed while it was read (passage ${label} of ${entry.paper.id} is gone): run the move again`);
          const { paperLabel: _owner, ...fields } = passage;
          labelByText.set(passageText(fields), label);
          return fields;
        });
      }
    }
  }
  return {
    async vectors(texts) {
      const wanted = [...new Set(texts)].filter((text) => labelByText.has(text));
      const out = new Map<string, Float32Array>();
      for (let start = 0; start < wanted.length; start += READ_BATCH) {
        const batch = wanted.slice(start, start + READ_BATCH);
        const found = await reader.vectors(batch.map((text) => labelByText.get(text)!));
        batch.forEach((text, i) => out.set(text, found[i]!));
      }
      return out;
    },
  };
}
