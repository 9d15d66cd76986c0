/**
 * The map page (`/map`): every paper as a dot on a canvas, coloured by topic, with the topics'
 * labels; zoom (wheel, +/−), pan (drag, arrow keys), hover for a title, click for the paper and
 * its related papers, and a search that lights up its hits. The topic list and the hits are also
 * plain lists of buttons beside it: the text fallback, and what the keyboard walks through.
 * Self-contained like the search page (inline CSS and JS, no external resources, text only
 * through textContent), under its own CSP. Its script is src/web/map-page.ts.
 */
import { htmlPage, jsonBlock, pageCsp, pageScript } from "./page-csp.js";
import { TOPIC_COLOURS } from "../map/render.js";

const STYLE = String.raw`
:root {
  color-scheme: light dark;
  --fg: #1c1e21; --muted: #5d6470; --bg: #ffffff; --line: #dde1e6; --accent: #1a56db; --field: #f6f7f9; --map: #ffffff;
}
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e8eb; --muted: #a3aab5; --bg: #14161a; --line: #2d3139; --accent: #7aa7ff; --field: #1d2026; --map: #0f1114; }
}
* { box-sizing: border-box; }
html, body { height: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; display: flex; flex-direction: column; }
header { border-bottom: 1px solid var(--line); padding: 0.6rem 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.brand { font-size: 1.2rem; font-weight: 700; color: var(--fg); text-decoration: none; }
.info { color: var(--muted); font-size: 0.85rem; }
form { display: flex; gap: 0.4rem; flex: 1 1 24rem; }
input[type=search], button { font: inherit; color: inherit; border: 1px solid var(--line); border-radius: 6px; background: var(--field); padding: 0.35rem 0.6rem; }
input[type=search] { flex: 1; min-width: 0; }
button.go { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; cursor: pointer; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.layout { flex: 1; display: flex; min-height: 0; }
.stage { position: relative; flex: 1; min-width: 0; }
canvas { display: block; width: 100%; height: 100%; background: var(--map); cursor: grab; touch-action: none; }
canvas.dragging { cursor: grabbing; }
.tip { position: absolute; pointer-events: none; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; padding: 0.2rem 0.45rem; font-size: 0.85rem; max-width: 28rem; box-shadow: 0 2px 6px rgba(0,0,0,0.15); }
.keys { position: absolute; left: 0.6rem; bottom: 0.4rem; color: var(--muted); font-size: 0.8rem; background: var(--bg); opacity: 0.9; padding: 0.1rem 0.4rem; border-radius: 4px; }
aside { width: 25rem; max-width: 45%; border-left: 1px solid var(--line); overflow: auto; padding: 0.6rem 1rem 2rem; }
aside h2 { font-size: 1rem; margin: 0.8rem 0 0.3rem; }
aside ol, aside ul { padding-left: 1.3rem; margin: 0.2rem 0; }
aside li { margin: 0.15rem 0; }
.linkish { vertical-align: top; font: inherit; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer; text-align: left; text-decoration: underline; }
.swatch { display: inline-block; width: 0.7rem; height: 0.7rem; border-radius: 2px; margin-right: 0.35rem; vertical-align: baseline; }
.muted { color: var(--muted); font-size: 0.85rem; }
.abstract { font-size: 0.9rem; }
.status { color: var(--muted); font-size: 0.85rem; min-height: 1.2rem; margin: 0.3rem 0; }
kbd { font: 0.75rem ui-monospace, monospace; border: 1px solid var(--line); border-radius: 3px; padding: 0 0.2rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

// src/web/map-page.ts, compiled by `npm run build`.
const SCRIPT = pageScript("map-page");

const BODY = `<header>
  <a class="brand" href="/">papers</a><span id="info" class="info"></span>
  <form id="search" role="search">
    <label class="visually-hidden" for="q">Search to light papers up on the map</label>
    <input id="q" name="q" type="search" maxlength="1000" autocomplete="off" placeholder="Search: the hits light up on the map">
    <button class="go" type="submit">Search</button>
  </form>
  <a href="/">search page</a>
</header>
<div class="layout">
  <div class="stage">
    <canvas id="map" tabindex="0" role="img" aria-label="Map of the papers, coloured by topic. Arrow keys pan, + and − zoom, 0 fits, Enter opens the paper nearest the centre. The topics and search hits are listed beside it."></canvas>
    <div id="tip" class="tip" hidden></div>
    <div class="keys">drag or <kbd>←</kbd><kbd>→</kbd><kbd>↑</kbd><kbd>↓</kbd> pan · wheel or <kbd>+</kbd><kbd>−</kbd> zoom · <kbd>0</kbd> fit · <kbd>Enter</kbd> open</div>
  </div>
  <aside>
    <p id="status" class="status" role="status" aria-live="polite"></p>
    <div id="panel"></div>
    <ol id="hits"></ol>
    <h2>Topics</h2>
    <ol id="topics"></ol>
  </aside>
</div>
`;

// The topics' colours as `papers map --out` draws them, for the script to read.
export const MAP_PAGE_HTML = htmlPage({ title: "map · papers", style: STYLE, body: BODY, data: jsonBlock("topic-colours", TOPIC_COLOURS), script: SCRIPT });

/** As every page of papers: its own script and style only (see pageCsp). */
export const MAP_PAGE_CSP = pageCsp(SCRIPT, STYLE);
