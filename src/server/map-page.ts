/**
 * The map page (`/map`): every paper as a dot on a canvas, coloured by topic, with the topics'
 * labels; zoom (wheel, +/−), pan (drag, arrow keys), hover for a title, click for the paper and
 * its related papers, and a search that lights up its hits. The topic list and the hits are also
 * plain lists of buttons beside it: the text fallback, and what the keyboard walks through.
 * Self-contained like the search page (inline CSS and JS, no external resources, text only
 * through textContent), under its own CSP.
 */
import { pageCsp } from "./page-csp.js";
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

const SCRIPT = String.raw`
"use strict";
(function () {
  var COLOURS = ` + JSON.stringify(TOPIC_COLOURS) + String.raw`;
  var $ = function (id) { return document.getElementById(id); };
  var canvas = $("map"), tip = $("tip"), status = $("status"), panel = $("panel"), topicList = $("topics"), hitList = $("hits");
  var ctx = canvas.getContext("2d");
  var data = null, topics = [], hits = new Set(), selected = null;
  var view = { scale: 1, ox: 0, oy: 0 };
  var titles = new Map();

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function colour(t) { return COLOURS[t % COLOURS.length]; }
  async function getJson(url) {
    var response = await fetch(url, { headers: { accept: "application/json" } });
    var body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok || !body) throw new Error((body && body.error && body.error.message) || "the server answered " + response.status);
    return body;
  }

  // Data coordinates are [0, 1]; the view maps them to CSS pixels: screen = o + v * scale * side.
  function side() { return Math.min(canvas.clientWidth, canvas.clientHeight) * 0.94; }
  function fit() {
    view.scale = 1;
    view.ox = (canvas.clientWidth - side()) / 2;
    view.oy = (canvas.clientHeight - side()) / 2;
  }
  function sx(x) { return view.ox + x * view.scale * side(); }
  function sy(y) { return view.oy + y * view.scale * side(); }

  // A grid over the data for hover and click: the nearest dot without looking at 74,728 of them.
  var GRID = 128, grid = null;
  function buildGrid() {
    grid = Array.from({ length: GRID * GRID }, function () { return []; });
    for (var i = 0; i < data.ids.length; i++) {
      var gx = Math.min(GRID - 1, Math.max(0, Math.floor(data.x[i] * GRID)));
      var gy = Math.min(GRID - 1, Math.max(0, Math.floor(data.y[i] * GRID)));
      grid[gy * GRID + gx].push(i);
    }
  }
  function nearest(px, py, maxPixels) {
    var s = view.scale * side();
    var x = (px - view.ox) / s, y = (py - view.oy) / s, r = maxPixels / s;
    var best = -1, bestD = r * r;
    var x0 = Math.max(0, Math.floor((x - r) * GRID)), x1 = Math.min(GRID - 1, Math.floor((x + r) * GRID));
    var y0 = Math.max(0, Math.floor((y - r) * GRID)), y1 = Math.min(GRID - 1, Math.floor((y + r) * GRID));
    for (var gy = y0; gy <= y1; gy++) for (var gx = x0; gx <= x1; gx++) {
      var cell = grid[gy * GRID + gx];
      for (var k = 0; k < cell.length; k++) {
        var i = cell[k], dx = data.x[i] - x, dy = data.y[i] - y, d = dx * dx + dy * dy;
        if (d <= bestD) { best = i; bestD = d; }
      }
    }
    return best;
  }

  var pending = false;
  function draw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; paint(); });
  }
  function paint() {
    var ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!data) return;
    var n = data.ids.length;
    var dot = Math.max(1.5, Math.min(6, 260 / Math.sqrt(n)) * Math.sqrt(view.scale));
    var lit = hits.size > 0;
    // Dots by topic, so the colour is set once per topic; faded while a search lights its hits.
    ctx.globalAlpha = lit ? 0.18 : 0.75;
    var byTopic = new Map();
    for (var i = 0; i < n; i++) {
      var x = sx(data.x[i]), y = sy(data.y[i]);
      if (x < -dot || y < -dot || x > w + dot || y > h + dot) continue;
      var t = data.topic[i];
      var list = byTopic.get(t);
      if (!list) { list = []; byTopic.set(t, list); }
      list.push(x, y);
    }
    byTopic.forEach(function (list, t) {
      ctx.fillStyle = colour(t);
      for (var k = 0; k < list.length; k += 2) ctx.fillRect(list[k] - dot / 2, list[k + 1] - dot / 2, dot, dot);
    });
    ctx.globalAlpha = 1;
    var shown = 0;
    if (lit) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = getComputedStyle(document.body).color;
      hits.forEach(function (i) {
        var r = Math.max(4, dot * 1.6);
        ctx.beginPath();
        ctx.arc(sx(data.x[i]), sy(data.y[i]), r, 0, 2 * Math.PI);
        ctx.fillStyle = colour(data.topic[i]);
        ctx.fill();
        ctx.stroke();
        shown++;
      });
    }
    if (selected !== null) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#e02424";
      ctx.beginPath();
      ctx.arc(sx(data.x[selected]), sy(data.y[selected]), Math.max(7, dot * 2.5), 0, 2 * Math.PI);
      ctx.stroke();
    }
    // Labels of the largest topics; more appear as the map is zoomed in.
    var labels = topics.slice().sort(function (a, b) { return b.size - a.size; }).slice(0, Math.round(12 * view.scale));
    ctx.font = "600 13px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.lineJoin = "round";
    labels.forEach(function (t) {
      var x = sx(t.x), y = sy(t.y);
      ctx.lineWidth = 4;
      ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue("--map") || "#fff";
      ctx.strokeText(t.label, x, y);
      ctx.fillStyle = getComputedStyle(document.body).color;
      ctx.fillText(t.label, x, y);
    });
    // What the page drew, for tests and for anyone curious: papers, lit hits, the view.
    canvas.dataset.points = String(n);
    canvas.dataset.lit = String(shown);
    canvas.dataset.view = [view.scale, view.ox, view.oy, side()].join(",");
  }

  function zoomAt(px, py, factor) {
    var next = Math.min(200, Math.max(0.5, view.scale * factor));
    factor = next / view.scale;
    view.ox = px - (px - view.ox) * factor;
    view.oy = py - (py - view.oy) * factor;
    view.scale = next;
    draw();
  }

  async function titleOf(i) {
    var id = data.ids[i];
    if (!titles.has(id)) {
      var paper = await getJson("/api/papers/" + encodeURIComponent(id));
      titles.set(id, paper.title || paper.abstract.slice(0, 120) + "…");
    }
    return titles.get(id);
  }

  var hovered = -1;
  canvas.addEventListener("mousemove", function (event) {
    if (!data || dragging) return;
    var i = nearest(event.offsetX, event.offsetY, 8);
    if (i === hovered) return;
    hovered = i;
    if (i < 0) { tip.hidden = true; return; }
    tip.style.left = Math.min(event.offsetX + 12, canvas.clientWidth - 200) + "px";
    tip.style.top = (event.offsetY + 14) + "px";
    tip.textContent = "…";
    tip.hidden = false;
    titleOf(i).then(function (title) { if (hovered === i) tip.textContent = title; }, function () { tip.hidden = true; });
  });
  canvas.addEventListener("mouseleave", function () { hovered = -1; tip.hidden = true; });

  var dragging = false, moved = false, last = null;
  canvas.addEventListener("pointerdown", function (event) {
    dragging = true; moved = false; last = [event.clientX, event.clientY];
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!dragging) return;
    var dx = event.clientX - last[0], dy = event.clientY - last[1];
    if (Math.abs(dx) + Math.abs(dy) > 2) { moved = true; canvas.classList.add("dragging"); tip.hidden = true; }
    if (!moved) return;
    view.ox += dx; view.oy += dy; last = [event.clientX, event.clientY];
    draw();
  });
  canvas.addEventListener("pointerup", function (event) {
    dragging = false;
    canvas.classList.remove("dragging");
    if (moved || !data) return;
    var i = nearest(event.offsetX, event.offsetY, 10);
    if (i >= 0) openPaper(i);
  });
  canvas.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoomAt(event.offsetX, event.offsetY, Math.exp(-event.deltaY * 0.0015));
  }, { passive: false });

  // Keys on the focused map: arrows pan, + and − zoom, 0 fits, Enter opens the paper nearest the centre.
  canvas.addEventListener("keydown", function (event) {
    var step = 60, handled = true;
    if (event.key === "ArrowLeft") view.ox += step;
    else if (event.key === "ArrowRight") view.ox -= step;
    else if (event.key === "ArrowUp") view.oy += step;
    else if (event.key === "ArrowDown") view.oy -= step;
    else if (event.key === "+" || event.key === "=") zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.5);
    else if (event.key === "-") zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1 / 1.5);
    else if (event.key === "0") fit();
    else if (event.key === "Enter" && data) {
      var i = nearest(canvas.clientWidth / 2, canvas.clientHeight / 2, Math.max(canvas.clientWidth, canvas.clientHeight));
      if (i >= 0) openPaper(i);
    } else handled = false;
    if (handled) { event.preventDefault(); draw(); }
  });

  function centreOn(i) {
    view.scale = Math.max(view.scale, 3);
    view.ox = canvas.clientWidth / 2 - data.x[i] * view.scale * side();
    view.oy = canvas.clientHeight / 2 - data.y[i] * view.scale * side();
  }

  var indexOf = new Map();
  function paperButton(id, text) {
    var b = el("button", "linkish", text);
    b.type = "button";
    b.addEventListener("click", function () {
      var i = indexOf.get(id);
      if (i !== undefined) { centreOn(i); openPaper(i); }
    });
    return b;
  }

  // The paper and its related papers, in the panel; the map circles it.
  var opened = 0;
  async function openPaper(i) {
    selected = i;
    draw();
    var id = data.ids[i], mine = ++opened;
    panel.replaceChildren(el("p", "status", "Loading…"));
    try {
      var paper = await getJson("/api/papers/" + encodeURIComponent(id));
      var related = await getJson("/api/papers/" + encodeURIComponent(id) + "/related?k=8");
      if (mine !== opened) return;
      var heading = el("h2", "", paper.title || paper.abstract.slice(0, 120) + "…");
      heading.id = "paper-title";
      heading.tabIndex = -1;
      var t = topics[data.topic[i]];
      var meta = el("p", "muted");
      var sw = el("span", "swatch"); sw.style.background = colour(data.topic[i]);
      meta.append(sw, (t ? t.label : "") + (paper.year ? " · " + paper.year : "") + " · ");
      var link = el("a", "", "open in search"); link.href = "/?related=" + encodeURIComponent(paper.id) + "&mode=hybrid";
      meta.append(link);
      if (paper.arxivId) { var ax = el("a", "", " arXiv:" + paper.arxivId); ax.href = "https://arxiv.org/abs/" + paper.arxivId; ax.rel = "noopener noreferrer"; meta.append(" · ", ax); }
      var list = el("ol", "related");
      related.results.forEach(function (hit) {
        var li = el("li");
        li.append(paperButton(hit.id, hit.title || hit.abstract.slice(0, 100) + "…"));
        list.append(li);
      });
      panel.replaceChildren(heading, meta, el("p", "abstract", paper.abstract), el("h2", "", "Related papers"), list);
      panel.dataset.id = paper.id;
      heading.focus();
    } catch (error) {
      if (mine === opened) panel.replaceChildren(el("p", "status", error.message));
    }
  }

  // A search lights up its hits on the map (and lists them, with how many the map shows).
  var searched = 0;
  async function search(q) {
    var mine = ++searched;
    hits = new Set();
    hitList.replaceChildren();
    if (!q) { status.textContent = ""; draw(); return; }
    status.textContent = "Searching…";
    try {
      var found = await getJson("/api/search?" + new URLSearchParams({ q: q, k: "20" }).toString());
      if (mine !== searched) return;
      found.results.forEach(function (hit) {
        var i = indexOf.get(hit.id);
        if (i !== undefined) hits.add(i);
        var li = el("li");
        li.append(paperButton(hit.id, hit.title || hit.abstract.slice(0, 100) + "…"));
        hitList.append(li);
      });
      status.textContent = found.results.length + " papers found, " + hits.size + " lit on the map";
      draw();
    } catch (error) {
      if (mine === searched) status.textContent = error.message;
    }
  }

  $("search").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = $("q").value.trim();
    history.replaceState(null, "", q ? "/map?" + new URLSearchParams({ q: q }).toString() : "/map");
    search(q);
  });

  function showTopics() {
    topicList.replaceChildren();
    topics.forEach(function (t) {
      var li = el("li");
      var sw = el("span", "swatch"); sw.style.background = colour(t.id);
      li.append(sw, el("strong", "", t.label), " ", el("span", "muted", "(" + t.size + ")"));
      var reps = el("ul");
      t.representatives.forEach(function (p) {
        var r = el("li");
        r.append(paperButton(p.id, p.title || p.id));
        reps.append(r);
      });
      li.append(reps);
      topicList.append(li);
    });
  }

  window.addEventListener("resize", function () { fit(); draw(); });

  (async function load() {
    status.textContent = "Loading the map…";
    try {
      var both = await Promise.all([getJson("/api/map"), getJson("/api/topics")]);
      data = both[0]; topics = both[1].topics;
      data.ids.forEach(function (id, i) { indexOf.set(id, i); });
      buildGrid();
      showTopics();
      fit();
      paint();
      $("info").textContent = data.ids.length + " papers · " + topics.length + " topics";
      status.textContent = "";
      canvas.dataset.ready = "true";
      // Milliseconds from navigation to the map drawn: bench/map.mjs reads it.
      canvas.dataset.readyMs = String(Math.round(performance.now()));
      var q = new URLSearchParams(location.search).get("q");
      if (q) { $("q").value = q; search(q); }
    } catch (error) {
      status.textContent = "The map could not be loaded: " + error.message;
    }
  })();
})();
`;

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>map · papers</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
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

export const MAP_PAGE_HTML = `${HTML}<script>${SCRIPT}</script>
</body>
</html>
`;

/** As every page of papers: its own script and style only (see pageCsp). */
export const MAP_PAGE_CSP = pageCsp(SCRIPT, STYLE);
