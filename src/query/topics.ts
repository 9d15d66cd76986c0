/**
 * The corpus's topics and its 2-D map, and the map as a picture. Stored with the generation; an
 * index written before topics existed (or with `computeMap: false`) computes them here (not
 * stored: readers never write) until the next `papers index` stores them.
 */
import { buildTopicMap } from "../store/shared/topic-map-build.js";
import { TOPIC_MAP_FILE, parseTopicMap } from "../store/shared/topic-map-store.js";
import { renderMapPng, renderMapSvg, type ImageFormat, type RenderOptions } from "../map/render.js";
import type { TopicMap } from "../map/topic-map.js";
import { paperMapView, topicSummaries, type PaperMap, type TopicSummary } from "../map/views.js";
import type { GenerationReader } from "../store/store.js";
import { Once } from "./once.js";

/** One open generation's topic map: read (or computed) once, however many requests ask at once. */
export class TopicMaps {
  private readonly stored = new Once<TopicMap | null>();
  private readonly computed = new Once<TopicMap>();

  constructor(private readonly reader: GenerationReader) {}

  /** The corpus's topics, largest first: label, size, 3 representative papers. */
  async topics(): Promise<TopicSummary[]> {
    const map = await this.topicMap();
    const labels = map.topics.flatMap((t) => t.representatives);
    const papers = await this.reader.byLabels(labels);
    const byLabel = new Map(labels.map((label, i) => [label, papers[i]]));
    return topicSummaries(map, (label) => byLabel.get(label));
  }

  /** Every paper's place on the 2-D map and its topic. */
  async map(): Promise<PaperMap> {
    const map = await this.topicMap();
    const ids = new Map((await this.reader.labelled()).map(({ label, paper }) => [label, paper.id]));
    return paperMapView(map, (label) => ids.get(label));
  }

  /** Whether topics() and map() answer from the stored map, rather than computing it first. */
  async hasStored(): Promise<boolean> {
    return (await this.storedMap()) !== null;
  }

  /** The map as a picture (SVG text, or PNG bytes), titled with the counts unless told otherwise. */
  async image(format: ImageFormat, options: RenderOptions = {}): Promise<string | Buffer> {
    const title = options.title ?? `${this.reader.manifest.count} papers · ${(await this.topicMap()).topics.length} topics`;
    const args = [await this.map(), await this.topics(), { ...options, title }] as const;
    return format === "png" ? renderMapPng(...args) : renderMapSvg(...args);
  }

  /** The stored map, or one computed now (onStep told each step's time, for bench/map.mjs). */
  async topicMap(onStep?: (step: string, ms: number) => void): Promise<TopicMap> {
    const stored = await this.storedMap();
    if (stored) return stored;
    // A failure (a database gone) is tried again next time.
    return this.computed.get(() => this.reader.mapSource(onStep).then((source) => buildTopicMap(source, { onStep })));
  }

  private storedMap(): Promise<TopicMap | null> {
    return this.stored.get(() => this.reader.artifact(TOPIC_MAP_FILE).then((data) => data && parseTopicMap(data, this.reader.location)));
  }
}
