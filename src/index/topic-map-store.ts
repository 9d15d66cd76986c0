/**
 * Where a generation keeps its topics and map: one file, `topics-map.json`, written with the
 * generation (before its manifest, which checksums it) and read back as it was. This module is
 * the only one that knows the file. A store kept elsewhere keeps the same JSON under the same name
 * (GenerationReader.artifact), read back through parseTopicMap.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../errors.js";
import { TOPIC_MAP_VERSION, type TopicMap } from "../map/topic-map.js";
import { REBUILD_HINT, TOPIC_MAP_FILE } from "./manifest.js";

export { TOPIC_MAP_FILE };

export function writeTopicMap(dir: string, map: TopicMap): void {
  writeFileSync(join(dir, TOPIC_MAP_FILE), JSON.stringify(map));
}

/** The generation's topic map, or null when it has none (built before topics existed). */
export function readTopicMap(dir: string): TopicMap | null {
  const path = join(dir, TOPIC_MAP_FILE);
  return existsSync(path) ? parseTopicMap(readFileSync(path), dir) : null;
}

/** A stored topic map (any store's: `where` names it in errors), checked before it is used. */
export function parseTopicMap(data: Buffer | string, where: string): TopicMap {
  let map: unknown;
  try {
    map = JSON.parse(data.toString());
  } catch {
    throw new PapersError("INDEX_DAMAGED", `index at ${where} is damaged (${TOPIC_MAP_FILE} unreadable): ${REBUILD_HINT}`);
  }
  const problem = topicMapProblem(map);
  if (problem) throw new PapersError("INDEX_DAMAGED", `index at ${where} is damaged (${TOPIC_MAP_FILE}: ${problem}): ${REBUILD_HINT}`);
  return map as TopicMap;
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
