/**
 * A generation's topics and map, as every store keeps them: the JSON of `topics-map.json` (a file of
 * a folder generation, see folder/topic-map-file.ts; an artifact of a database), checked by
 * parseTopicMap before it is used.
 */
import { TOPIC_MAP_VERSION, type TopicMap } from "../../map/topic-map.js";
import { parseArtifact, TOPIC_MAP_FILE } from "./manifest.js";

export { TOPIC_MAP_FILE };

/** A stored topic map (any store's: `where` names it in errors), checked before it is used. */
export function parseTopicMap(data: Buffer | string, where: string): TopicMap {
  return parseArtifact<TopicMap>(data, where, TOPIC_MAP_FILE, topicMapProblem);
}

/** What is wrong with a stored topic map, or null. */
export function topicMapProblem(map: unknown): string | null {
  if (typeof map !== "object" || map === null) return "not an object";
  const m = map as Partial<TopicMap>;
  if (m.version !== TOPIC_MAP_VERSION) return `version ${String(m.version)}, this papers reads ${TOPIC_MAP_VERSION}`;
  const arrays = [m.labels, m.x, m.y, m.topic, m.topics, m.centroids];
  if (!arrays.every(Array.isArray)) return "a list is missing";
  const n = m.labels!.length;
  if (m.x!.length !== n || m.y!.length !== n || m.topic!.length !== n) return "labels, x, y and topic differ in length";
  if (m.centroids!.length !== m.topics!.length) return "one centroid per topic expected";
  if (!m.topic!.every((t) => Number.isInteger(t) && t >= 0 && t < m.topics!.length)) return "a paper's topic is out of range";
  if (![...m.x!, ...m.y!].every((v) => typeof v === "number" && Number.isFinite(v))) return "a position is not a number";
  return null;
}
