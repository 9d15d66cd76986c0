import { documentText } from "../../corpus/paper.js";
import { timed, type StepReport } from "../../map/topic-map.js";
import { GRAPH_EF, type MapSource } from "../shared/topic-map-build.js";
import { HnswFileVectors } from "../shared/hnsw-file.js";
import type { VectorIndex } from "../shared/vector-index.js";
import type { PaperTable } from "./paper-table.js";

/**
 * A folder generation's papers, searched in its own HNSW graph (at GRAPH_EF, set back to
 * `efSearch` after each search, as readers share the graph), which `graphFile` holds.
 */
export function graphMapSource(vectors: VectorIndex, graphFile: string, store: PaperTable, efSearch: number, onStep?: StepReport): MapSource {
  return timed("read", onStep, () => {
    const labels = [...store.entries().values()].map((e) => e.label).sort((a, b) => a - b);
    const passages = store.passageOwners();
    const accept = passages.size === 0 ? undefined : (label: number) => !passages.has(label);
    const texts = store.all().map((paper) => documentText(paper));
    // Vectors read from the file when needed: neither a copy of them all nor getPoint's cost. A
    // file gone (a generation replaced since this reader opened it) leaves the graph's own.
    const stored = openQuietly(graphFile);
    return {
      labels,
      vector: (i) => (stored ? stored.vector(labels[i]!) : vectors.vector(labels[i]!)),
      close: () => stored?.close(),
      texts,
      graphFile,
      notPapers: passages,
      search: (vector, k) => {
        vectors.setEf(GRAPH_EF);
        try {
          return vectors.search(vector, k, accept);
        } finally {
          vectors.setEf(efSearch);
        }
      },
    };
  });
}

function openQuietly(graphFile: string): HnswFileVectors | null {
  try {
    return HnswFileVectors.open(graphFile);
  } catch {
    return null;
  }
}
