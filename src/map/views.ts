/** The topic map as front ends show it: paper ids instead of store labels. Pure. */
import type { TopicMap } from "./topic-map.js";

/** Every paper's place: aligned lists, compact for `/api/map` (74,728 papers in about 2 MB of JSON). */
export interface PaperMap {
  ids: string[];
  x: number[];
  y: number[];
  topic: number[];
}

export interface TopicSummary {
  id: number;
  label: string;
  terms: string[];
  size: number;
  /** Where its label sits on the map, in [0, 1]². */
  x: number;
  y: number;
  representatives: { id: string; title: string | null }[];
}

export function paperMapView(map: TopicMap, idOf: (label: number) => string | undefined): PaperMap {
  const out: PaperMap = { ids: [], x: [], y: [], topic: [] };
  map.labels.forEach((label, i) => {
    const id = idOf(label);
    if (id === undefined) return;
    out.ids.push(id);
    out.x.push(map.x[i]!);
    out.y.push(map.y[i]!);
    out.topic.push(map.topic[i]!);
  });
  return out;
}

export function topicSummaries(map: TopicMap, paperOf: (label: number) => { id: string; title: string | null } | undefined): TopicSummary[] {
  return map.topics.map((t) => ({
    id: t.id,
    label: t.label,
    terms: t.terms,
    size: t.size,
    x: t.x,
    y: t.y,
    representatives: t.representatives.flatMap((label) => {
      const paper = paperOf(label);
      return paper ? [{ id: paper.id, title: paper.title }] : [];
    }),
  }));
}
