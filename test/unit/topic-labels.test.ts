/** c-TF-IDF labels, clustering and layout: the pure functions under the topic map. */
import { describe, expect, it } from "vitest";
import { bySize, clusterKnn, mergeSmall } from "../../src/map/cluster.js";
import type { KnnGraph } from "../../src/map/knn.js";
import { labelTopics, pickTerms } from "../../src/map/labels.js";
import { layoutKnn } from "../../src/map/layout.js";
import { computeTopicMap } from "../../src/map/topic-map.js";

const RL = [
  "We train a policy with reinforcement learning from sparse rewards in Atari games.",
  "Reinforcement learning agents maximise the reward of a policy; we propose an actor critic method.",
  "A model-based reinforcement learning method learns the rewards and a policy for robot control.",
  "Offline reinforcement learning of a policy from logged rewards, with a novel critic.",
];
const GRAPHS = [
  "Graph neural networks pass messages between nodes to classify nodes of a citation graph.",
  "We propose a graph neural network for node classification with attention over edges.",
  "Message passing graph neural networks are bounded by the Weisfeiler-Lehman test on nodes.",
  "A novel method scales graph neural networks to graphs with millions of nodes and edges.",
];

describe("labelTopics", () => {
  const topics = labelTopics([...RL, ...GRAPHS], [0, 0, 0, 0, 1, 1, 1, 1], 2);

  it("names each topic by the terms that set it apart, as words people write", () => {
    expect(topics[0]!.terms).toContain("reinforcement learning");
    expect(topics[1]!.terms).toContain("graph neural");
    // Too general alone, though not in a pair.
    expect(topics[0]!.terms).not.toContain("learning");
    expect(topics[1]!.terms).not.toContain("neural");
    // Stems are shown as the spelling written most often: "nodes" (4 times) over "node" (2).
    expect(topics[1]!.terms).toContain("nodes");
    expect(topics[0]!.terms).toContain("policy");
    expect(topics[0]!.label).toBe(topics[0]!.terms.slice(0, 3).join(", "));
  });

  it("never reads a pair across punctuation", () => {
    const [t] = labelTopics(["Large language models (LLMs) answer.", "Large language models (LLMs) reason."], [0, 0], 1, { terms: 20 });
    expect(t!.terms).toEqual(["language models", "llms"]);
    expect(t!.terms.some((term) => term.includes("models llms"))).toBe(false);
  });

  it("leaves out stopwords, the words of every abstract, and one paper's words", () => {
    const all = topics.flatMap((t) => t.terms.flatMap((term) => term.split(" ")));
    for (const word of ["we", "the", "propose", "novel", "method", "a", "of"]) expect(all).not.toContain(word);
    // "atari" and "weisfeiler" occur in one paper each.
    expect(all).not.toContain("atari");
    expect(all).not.toContain("weisfeiler");
  });

  it("gives a topic no one's terms when a term is shared evenly: it is not distinctive", () => {
    const shared = labelTopics(["deep learning of cats", "deep learning of cats", "deep learning of dogs", "deep learning of dogs"], [0, 0, 1, 1], 2);
    expect(shared[0]!.terms[0]).toBe("cats");
    expect(shared[1]!.terms[0]).toBe("dogs");
  });
});

describe("pickTerms", () => {
  it("lets a pair absorb its words and skips a word a chosen pair already says", () => {
    expect(pickTerms(["language", "language models", "models", "decoding"], 2)).toEqual(["language models", "decoding"]);
    expect(pickTerms(["graph neural", "graph", "neural networks", "graph networks", "nodes"], 5)).toEqual(["graph neural", "nodes"]);
    expect(pickTerms(["learning", "policy", "reinforcement learning"], 3)).toEqual(["reinforcement learning", "policy"]);
  });
});

/** Two groups of points, each linked only among itself, as a kNN graph. */
function twoGroups(size: number): KnnGraph {
  const indices: number[][] = [];
  const distances: number[][] = [];
  for (let i = 0; i < 2 * size; i++) {
    const base = i < size ? 0 : size;
    const row = [i, ...Array.from({ length: size }, (_, j) => base + j).filter((j) => j !== i)].slice(0, 6);
    indices.push(row);
    distances.push(row.map((j) => (j === i ? 0 : 0.1)));
  }
  return { indices, distances };
}

describe("clusterKnn", () => {
  it("finds the communities of the graph, largest first", () => {
    const graph = twoGroups(10);
    const topic = clusterKnn(graph, { minSize: 3 });
    expect(new Set(topic.slice(0, 10))).toEqual(new Set([topic[0]]));
    expect(new Set(topic.slice(10))).toEqual(new Set([topic[10]]));
    expect(topic[0]).not.toBe(topic[10]);
  });

  it("merges communities smaller than minSize into the one they link to most", () => {
    const graph = twoGroups(5);
    // Point 0 on its own community, linked to group 1 (points 5-9) by three of its neighbours.
    graph.indices[0] = [0, 5, 6, 7, 1];
    const merged = mergeSmall(graph, Int32Array.from([2, 0, 0, 0, 0, 1, 1, 1, 1, 1]), 2, 40);
    expect(merged[0]).toBe(1);
    expect(bySize(Int32Array.from([5, 5, 7, 7, 7]))).toEqual(Int32Array.from([1, 1, 0, 0, 0]));
  });
});

describe("layoutKnn", () => {
  it("lays every point out in [0, 1]², the same way each time, groups apart", () => {
    const graph = twoGroups(30);
    const a = layoutKnn(graph, { epochs: 100 });
    const b = layoutKnn(graph, { epochs: 100 });
    expect(a).toEqual(b);
    expect(a.length).toBe(120);
    for (const v of a) expect(v >= 0 && v <= 1).toBe(true);
    const centre = (from: number) => [0, 1].map((d) => Array.from({ length: 30 }, (_, i) => a[2 * (from + i) + d]!).reduce((s, v) => s + v, 0) / 30);
    const [ax, ay] = centre(0) as [number, number];
    const [bx, by] = centre(30) as [number, number];
    expect(Math.hypot(ax - bx, ay - by)).toBeGreaterThan(0.3);
  });

  it("lays out every small corpus, where each row holds all the other points (4 to 17 papers)", () => {
    for (let n = 4; n <= 17; n++) {
      const rows = Array.from({ length: n }, (_, i) => [i, ...Array.from({ length: n }, (_, j) => j).filter((j) => j !== i)].slice(0, 16));
      const graph = { indices: rows, distances: rows.map((row) => row.map((j, r) => (r === 0 ? 0 : 0.1 + 0.01 * Math.abs(j - row[0]!)))) };
      const points = layoutKnn(graph, { epochs: 50 });
      expect(points.length).toBe(2 * n);
      for (const v of points) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it("places 0 to 3 points without UMAP", () => {
    expect(layoutKnn({ indices: [], distances: [] })).toEqual(new Float32Array(0));
    expect(layoutKnn({ indices: [[0]], distances: [[0]] })).toEqual(Float32Array.from([0.5, 0.5]));
    expect(layoutKnn({ indices: [[0, 1], [1, 0]], distances: [[0, 0.2], [0, 0.2]] }).length).toBe(4);
  });
});

describe("computeTopicMap", () => {
  it("maps an empty corpus, and one or two papers, without failing", async () => {
    expect((await computeTopicMap({ labels: [], vector: () => new Float32Array(0), texts: [] }, { indices: [], distances: [] })).topics).toEqual([]);
    const one = await computeTopicMap({ labels: [7], vector: () => Float32Array.from([1, 0]), texts: ["Glacier melt in the Alps"] }, { indices: [[0]], distances: [[0]] });
    expect(one.topics).toHaveLength(1);
    expect(one.topics[0]!.label.split(", ").sort()).toEqual(["alps", "glacier melt"]);
    expect(one.topics[0]!.representatives).toEqual([7]);
    const two = await computeTopicMap(
      { labels: [1, 2], vector: (i) => Float32Array.from(i === 0 ? [1, 0] : [0, 1]), texts: ["Glacier melt", "Glacier retreat"] },
      { indices: [[0, 1], [1, 0]], distances: [[0, 1], [0, 1]] },
    );
    expect(two.topic).toEqual([0, 0]);
    expect(two.topics[0]!.terms[0]).toBe("glacier");
  });
});
