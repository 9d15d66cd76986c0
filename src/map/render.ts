/**
 * The map as a picture: SVG written here (circles and text), PNG rendered from that SVG by resvg
 * (@resvg/resvg-js), so both formats show exactly the same thing.
 */
import { extname } from "node:path";
import { PapersError } from "../errors.js";
import type { PaperMap, TopicSummary } from "./views.js";

export type ImageFormat = "svg" | "png";

/**
 * Twelve colours that stay apart on white (Tableau 10 and two more); topics past them repeat
 * the palette, and the map's labels tell them apart.
 */
export const TOPIC_COLOURS = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
  "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#8c564b",
];

/** The picture's format from the file name it is written to: .svg or .png. */
export function imageFormatOf(path: string): ImageFormat {
  const ext = extname(path).toLowerCase();
  if (ext === ".svg" || ext === ".png") return ext.slice(1) as ImageFormat;
  throw new PapersError("BAD_OPTION", `cannot tell the picture's format from "${path}": name a .svg or .png file`);
}

export function topicColour(topic: number): string {
  return TOPIC_COLOURS[topic % TOPIC_COLOURS.length]!;
}

export interface RenderOptions {
  /** Width and height of the square picture, in pixels. */
  size?: number;
  /** Labels for the largest topics only, so they stay readable. */
  maxLabels?: number;
  title?: string;
}

export function renderMapSvg(map: PaperMap, topics: readonly TopicSummary[], options: RenderOptions = {}): string {
  const size = options.size ?? 1600;
  const margin = size * 0.03;
  const inner = size - 2 * margin;
  const n = map.ids.length;
  // Smaller dots for more papers, so 74,728 of them still show their clusters.
  const radius = Math.max(0.9, Math.min(6, (size / Math.sqrt(Math.max(1, n))) * 0.12));
  const at = (v: number) => (margin + v * inner).toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  // One group per topic: its colour is said once, not 74,728 times.
  const byTopic = new Map<number, string[]>();
  for (let i = 0; i < n; i++) {
    const t = map.topic[i]!;
    let list = byTopic.get(t);
    if (!list) byTopic.set(t, (list = []));
    list.push(`<circle cx="${at(map.x[i]!)}" cy="${at(map.y[i]!)}" r="${radius.toFixed(2)}"/>`);
  }
  for (const [t, circles] of [...byTopic].sort((a, b) => a[0] - b[0])) {
    out.push(`<g fill="${topicColour(t)}" fill-opacity="0.7">${circles.join("")}</g>`);
  }
  const fontSize = Math.round(size / 75);
  const labelled = [...topics].sort((a, b) => b.size - a.size).slice(0, options.maxLabels ?? 25);
  out.push(`<g font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="${fontSize}" font-weight="700" text-anchor="middle" paint-order="stroke" stroke="#ffffff" stroke-width="${(fontSize / 4).toFixed(1)}" stroke-linejoin="round">`);
  for (const t of labelled) out.push(`<text x="${at(t.x)}" y="${at(t.y)}" fill="#1c1e21">${escapeXml(t.label)}</text>`);
  out.push(`</g>`);
  if (options.title) out.push(`<text x="${margin}" y="${margin}" font-family="DejaVu Sans, Arial, sans-serif" font-size="${fontSize}" fill="#5d6470">${escapeXml(options.title)}</text>`);
  out.push(`</svg>`);
  return out.join("\n");
}

/** PNG of the SVG above, rendered by resvg with the system's fonts (labels need one). */
export async function renderMapPng(map: PaperMap, topics: readonly TopicSummary[], options: RenderOptions = {}): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  const svg = renderMapSvg(map, topics, options);
  const resvg = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }, background: "#ffffff" });
  return resvg.render().asPng();
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}
