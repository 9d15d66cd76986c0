/**
 * A folder generation's topics and map: one file, `topics-map.json`, written with the generation
 * (before its manifest, which checksums it) and read back as it was.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TopicMap } from "../../map/topic-map.js";
import { TOPIC_MAP_FILE } from "../shared/manifest.js";
import { parseTopicMap } from "../shared/topic-map-store.js";

export function writeTopicMap(dir: string, map: TopicMap): void {
  writeFileSync(join(dir, TOPIC_MAP_FILE), JSON.stringify(map));
}

/** The generation's topic map, or null when it has none (built before topics existed). */
export function readTopicMap(dir: string): TopicMap | null {
  const path = join(dir, TOPIC_MAP_FILE);
  return existsSync(path) ? parseTopicMap(readFileSync(path), dir) : null;
}
