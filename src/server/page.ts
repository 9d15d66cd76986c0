/**
 * The search page: one self-contained HTML document (inline CSS and JS, no external resources).
 * Its script talks only to the JSON API of the same origin and never puts text from the server
 * into the page as HTML: everything is built with DOM nodes and textContent.
 *
 * The state lives in the URL (`/?q=…&mode=…`, `/?related=ID&mode=…`), so a search can be
 * bookmarked and shared, and back and forward work.
 */
import { pageCsp } from "./page-csp.js";

// Written as String.raw so the browser gets it verbatim: no backticks or "${" inside.
const STYLE = String.raw`
:root {
  color-scheme: light dark;
  --fg: #1c1e21; --muted: #5d6470; --bg: #ffffff; --line: #dde1e6; --accent: #1a56db;
  --mark: #ffe58a; --mark-fg: #1c1e21; --error-bg: #fdecec; --error-fg: #8a1c1c; --field: #f6f7f9;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e6e8eb; --muted: #a3aab5; --bg: #14161a; --line: #2d3139; --accent: #7aa7ff;
    --mark: #5c4a00; --mark-fg: #fff6cc; --error-bg: #3a1717; --error-fg: #ffb4b4; --field: #1d2026;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.wrap { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem; }
header { border-bottom: 1px solid var(--line); padding: 1rem 0 1.1rem; }
.brand { font-size: 1.35rem; font-weight: 700; color: var(--fg); text-decoration: none; letter-spacing: -0.01em; }
.info { color: var(--muted); font-size: 0.875rem; margin-left: 0.6rem; }
form { display: flex; gap: 0.5rem; margin-top: 0.9rem; flex-wrap: wrap; }
input[type=search], select, button {
  font: inherit; color: inherit; border: 1px solid var(--line); border-radius: 6px; background: var(--field);
  padding: 0.5rem 0.7rem;
}
input[type=search] { flex: 1 1 20rem; min-width: 0; }
button { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; cursor: pointer; }
@media (prefers-color-scheme: dark) { button { color: #0b1020; } }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; border-radius: 3px; }
main { padding-bottom: 3rem; }
h1 { font-size: 1.1rem; margin: 1.4rem 0 0; }
h1:focus { outline: none; }
.status { color: var(--muted); font-size: 0.875rem; min-height: 1.3rem; margin: 0.9rem 0 0.4rem; }
ol.results { list-style: none; padding: 0; margin: 0; }
.result { border-bottom: 1px solid var(--line); padding: 0.9rem 0; display: grid; grid-template-columns: 2.2rem 1fr; }
.rank { color: var(--muted); font-variant-numeric: tabular-nums; padding-top: 0.1rem; }
.result h2 { font-size: 1.05rem; line-height: 1.35; margin: 0; font-weight: 600; }
.result h2 a { text-decoration: none; }
.result h2 a:hover { text-decoration: underline; }
.meta { color: var(--muted); font-size: 0.85rem; margin: 0.2rem 0 0.35rem; display: flex; gap: 0.9rem; flex-wrap: wrap; }
.meta a { color: var(--muted); }
.meta .related { color: var(--accent); font-weight: 600; }
.score { font-variant-numeric: tabular-nums; }
.abstract { margin: 0; }
.passage { margin: 0.4rem 0 0; padding-left: 0.7rem; border-left: 3px solid var(--accent); }
.passage .where { font-weight: 600; font-size: 0.85rem; }
.more {
  font: inherit; font-size: 0.85rem; background: none; border: 0; padding: 0 0.2rem; color: var(--accent);
  cursor: pointer; text-decoration: underline;
}
mark { background: var(--mark); color: var(--mark-fg); border-radius: 2px; padding: 0 0.1em; }
.best { text-decoration: underline; text-decoration-color: var(--mark); text-decoration-thickness: 0.2em; text-underline-offset: 0.15em; }
.matched { font-size: 0.85em; opacity: 0.8; }
.export { font-size: 0.9em; color: var(--muted); }
.export a { margin-left: 0.6em; }
button.pick { font: inherit; font-size: 0.85em; background: none; border: 1px solid var(--line); border-radius: 4px; padding: 0 0.4em; cursor: pointer; color: inherit; }
button.pick[aria-pressed="true"] { background: var(--mark); color: var(--mark-fg); }
.recommend { position: fixed; right: 1rem; bottom: 1rem; font: inherit; padding: 0.5rem 0.9rem; border-radius: 6px; border: 1px solid var(--line); background: var(--field); color: inherit; cursor: pointer; }
.why { color: var(--muted); font-size: 0.9em; }
.notice { margin: 1.2rem 0; padding: 0.9rem 1rem; border-radius: 6px; border: 1px solid var(--line); }
.notice.error { background: var(--error-bg); color: var(--error-fg); border-color: transparent; }
.notice p { margin: 0.2rem 0 0; color: var(--muted); }
.notice.error p { color: inherit; }
.hint { color: var(--muted); font-size: 0.85rem; }
kbd { font: 0.8rem ui-monospace, monospace; border: 1px solid var(--line); border-radius: 3px; padding: 0 0.25rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

const SCRIPT = String.raw`
"use strict";
(function () {
  var MODES = ["hybrid", "dense", "lexical"];
  var SNIPPET = 320;

  var $ = function (id) { return document.getElementById(id); };
  var form = $("search"), input = $("q"), modeSelect = $("mode");
  var heading = $("heading"), status = $("status"), list = $("results"), message = $("message"), exportBar = $("export");
  // The results in the formats reference managers read, from the same API with format=.
  var EXPORTS = [["bibtex", "BibTeX", "papers.bib"], ["ris", "RIS", "papers.ris"], ["csl-json", "CSL-JSON", "papers.json"],
    ["csv", "CSV", "papers.csv"], ["markdown", "Markdown", "papers.md"]];

  function showExports(url) {
    exportBar.replaceChildren("Export:");
    EXPORTS.forEach(function (f) {
      var a = el("a", "", f[1]);
      a.href = url + (url.indexOf("?") >= 0 ? "&" : "?") + "format=" + f[0];
      a.setAttribute("download", f[2]);
      exportBar.append(a);
    });
    exportBar.hidden = false;
  }
  var generation = 0;

  function stateFromUrl() {
    var p = new URLSearchParams(location.search);
    var mode = p.get("mode");
    return {
      q: (p.get("q") || "").trim(),
      related: (p.get("related") || "").trim(),
      like: (p.get("like") || "").split(",").filter(Boolean),
      unlike: (p.get("unlike") || "").split(",").filter(Boolean),
      mode: MODES.indexOf(mode) >= 0 ? mode : "hybrid"
    };
  }

  function urlFor(state) {
    var p = new URLSearchParams();
    if (state.like && state.like.length > 0) {
      p.set("like", state.like.join(","));
      if (state.unlike && state.unlike.length > 0) p.set("unlike", state.unlike.join(","));
      return "/?" + p.toString();
    }
    if (state.related) p.set("related", state.related);
    else if (state.q) p.set("q", state.q);
    else return "/";
    p.set("mode", state.mode);
    return "/?" + p.toString();
  }

  function navigate(state) {
    var url = urlFor(state);
    if (url === location.pathname + location.search) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    // Following a "related" link moves the focus to the new heading (for screen readers and Tab).
    render(Boolean(state.related || (state.like && state.like.length > 0)));
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The server explains each hit (explain=true): the words of the paper that matched the
  // question's terms, and its sentence closest to the question. Highlighting uses those, so the
  // page needs no analyzer of its own.
  function highlighter(hit) {
    var words = [];
    ((hit.explain && hit.explain.terms) || []).forEach(function (t) { words = words.concat(t.words); });
    var unique = Array.from(new Set(words)).sort(function (a, b) { return b.length - a.length; });
    if (unique.length === 0) return null;
    var escaped = unique.map(function (w) { return w.replace(/[.*+?^(){}|[\]\\$]/g, "\\$&"); });
    return new RegExp("(?<![\\p{L}\\p{N}])(?:" + escaped.join("|") + ")(?![\\p{L}\\p{N}])", "gu");
  }

  // Appends text to a node as text nodes, with <mark> around the matched words. Never as HTML.
  function appendMarked(parent, text, re) {
    if (!re) { parent.append(text); return; }
    var last = 0;
    for (var m of text.matchAll(re)) {
      if (m.index > last) parent.append(text.slice(last, m.index));
      parent.append(el("mark", "", m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) parent.append(text.slice(last));
  }

  // As appendMarked, with the best sentence (where it falls inside the text) in a highlighted span.
  function appendHighlighted(parent, text, re, sentence) {
    var at = sentence ? text.indexOf(sentence) : -1;
    if (at < 0) { appendMarked(parent, text, re); return; }
    appendMarked(parent, text.slice(0, at), re);
    var best = el("span", "best");
    best.title = "the sentence closest to the question";
    appendMarked(best, sentence, re);
    parent.append(best);
    appendMarked(parent, text.slice(at + sentence.length), re);
  }

  // About SNIPPET characters of the abstract, starting early enough to show the best sentence.
  function snippetOf(text, sentence) {
    if (text.length <= SNIPPET) return text;
    var start = 0;
    var at = sentence ? text.indexOf(sentence) : -1;
    if (at >= 0 && at + Math.min(sentence.length, 120) > SNIPPET - 60) start = at;
    var end = Math.min(text.length, Math.max(start + SNIPPET, at >= 0 ? at + sentence.length : 0));
    if (end < text.length) {
      var space = text.lastIndexOf(" ", end);
      if (space > start) end = space;
    }
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  function leadSentence(text) {
    var m = /^(.+?[.!?])(\s|$)/.exec(text);
    return m ? m[1] : text;
  }

  function firstSentence(text) {
    var s = leadSentence(text);
    return s.length > 140 ? s.slice(0, 139).trimEnd() + "…" : s;
  }

  function relatedLink(id, mode, label) {
    var a = el("a", "related", label);
    a.href = urlFor({ related: id, mode: mode });
    a.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate({ related: id, mode: mode });
    });
    return a;
  }

  function externalLink(href, text, className) {
    var a = el("a", className || "", text);
    a.href = href;
    a.rel = "noopener noreferrer";
    return a;
  }

  function renderHit(hit, rank, mode) {
    var re = highlighter(hit);
    var sentence = hit.explain ? hit.explain.sentence : null;
    var li = el("li", "result");
    li.dataset.id = hit.id;
    li.append(el("span", "rank", rank + "."));
    var body = el("div", "body");
    var h2 = el("h2");
    var title = hit.title || firstSentence(hit.abstract);
    var arxiv = hit.arxivId ? "https://arxiv.org/abs/" + hit.arxivId : null;
    var titleTarget = h2;
    if (arxiv) { titleTarget = externalLink(arxiv, ""); h2.append(titleTarget); }
    appendMarked(titleTarget, title, re);
    body.append(h2);

    var meta = el("div", "meta");
    if (hit.arxivId) meta.append(externalLink(arxiv, "arXiv:" + hit.arxivId, "id"));
    else meta.append(el("span", "id", "id " + hit.id));
    if (hit.doi) meta.append(externalLink("https://doi.org/" + hit.doi, "doi"));
    if (hit.year) meta.append(el("span", "year", String(hit.year)));
    // A question's hits carry a calibrated relevance, comparable across questions; related ones their score.
    var score = typeof hit.relevance === "number" ? hit.relevance : hit.score;
    var scoreSpan = el("span", "score", "score " + score.toFixed(3));
    if (typeof hit.relevance === "number") scoreSpan.title = "calibrated relevance: about the same meaning for every question";
    meta.append(scoreSpan);
    meta.append(relatedLink(hit.id, mode, "related"));
    meta.append(pickButton(hit.id, "like", "more like this"), pickButton(hit.id, "unlike", "less like this"));
    body.append(meta);
    if (hit.explain && hit.explain.terms.length > 0) {
      body.append(el("div", "matched", "matched: " + hit.explain.terms.map(function (t) {
        return (t.words[0] || t.term) + " " + Math.round(t.share * 100) + "%";
      }).join(", ")));
    }

    // A paper without a title shows its first sentence as one; the text below goes on from there.
    var text = hit.abstract;
    if (!hit.title && title === leadSentence(text) && text.length > title.length) text = text.slice(title.length).trim();
    var abstract = el("p", "abstract");
    var short = snippetOf(text, sentence);
    appendHighlighted(abstract, short, re, sentence);
    body.append(abstract);
    if (short !== text) {
      var more = el("button", "more", "more");
      more.type = "button";
      more.setAttribute("aria-expanded", "false");
      more.addEventListener("click", function () {
        var open = more.getAttribute("aria-expanded") === "true";
        abstract.replaceChildren();
        appendHighlighted(abstract, open ? short : text, re, sentence);
        abstract.append(" ", more);
        more.textContent = open ? "more" : "less";
        more.setAttribute("aria-expanded", String(!open));
      });
      abstract.append(" ", more);
    }
    // A hit found by a passage of its full text shows that passage and where it is: "p. 7, §4.2 Results".
    if (hit.passage) {
      var passage = el("blockquote", "passage");
      passage.append(el("span", "where", "p. " + hit.passage.page + (hit.passage.section ? ", \u00a7" + hit.passage.section : "")));
      var said = el("span", "said");
      appendHighlighted(said, snippetOf(hit.passage.text, re), re);
      passage.append(" ", said);
      body.append(passage);
    }
    li.append(body);
    return li;
  }

  function notice(kind, title, detail) {
    var box = el("div", "notice " + kind);
    if (kind === "error") box.setAttribute("role", "alert");
    box.append(el("strong", "", title));
    if (detail) box.append(el("p", "", detail));
    message.replaceChildren(box);
  }

  // Papers marked "more like this" and "less like this", across searches, until a recommendation is asked for.
  var picked = { like: new Set(), unlike: new Set() };
  var recommendButton = $("recommend");

  function updateRecommendButton() {
    recommendButton.hidden = picked.like.size === 0;
    recommendButton.textContent = "Recommend from " + picked.like.size + " liked" + (picked.unlike.size > 0 ? ", " + picked.unlike.size + " not" : "");
  }

  function pickButton(id, side, label) {
    var b = el("button", "pick " + side, label);
    b.type = "button";
    b.setAttribute("aria-pressed", String(picked[side].has(id)));
    b.addEventListener("click", function () {
      var other = side === "like" ? "unlike" : "like";
      if (picked[side].has(id)) picked[side].delete(id);
      else { picked[side].add(id); picked[other].delete(id); }
      var li = b.closest("li");
      li.querySelectorAll("button.pick").forEach(function (x) {
        x.setAttribute("aria-pressed", String(picked[x.classList.contains("like") ? "like" : "unlike"].has(id)));
      });
      updateRecommendButton();
    });
    return b;
  }

  async function postJson(url, body) {
    return getJson(url, { method: "POST", headers: { accept: "application/json", "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  async function getJson(url, init) {
    var response = await fetch(url, init || { headers: { accept: "application/json" } });
    var body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok || !body) {
      var reason = body && body.error && body.error.message;
      throw new Error(reason || "the server answered " + response.status);
    }
    return body;
  }

  async function render(focusHeading) {
    var state = stateFromUrl();
    var mine = ++generation;
    input.value = state.q;
    modeSelect.value = state.mode;
    list.replaceChildren();
    message.replaceChildren();
    exportBar.hidden = true;
    heading.hidden = true;
    var recommending = state.like.length > 0;
    if (!state.q && !state.related && !recommending) {
      status.textContent = "";
      document.title = "papers";
      return;
    }
    status.textContent = "Searching…";
    list.setAttribute("aria-busy", "true");
    var started = performance.now();
    var url = state.related
      ? "/api/papers/" + encodeURIComponent(state.related) + "/related?mode=" + state.mode
      : "/api/search?" + new URLSearchParams({ q: state.q, mode: state.mode, explain: "true" }).toString();
    try {
      var data = recommending ? await postJson("/api/recommend", { like: state.like, unlike: state.unlike, k: 20 }) : await getJson(url);
      if (mine !== generation) return;
      var ms = Math.round(performance.now() - started);
      if (recommending) {
        heading.textContent = "Recommended from " + state.like.length + " liked" + (state.unlike.length > 0 ? " and " + state.unlike.length + " not" : "");
        heading.hidden = false;
        document.title = "Recommended · papers";
        var words = function (list) { return list.slice(0, 6).map(function (w) { return w.word; }).join(", "); };
        message.replaceChildren(el("p", "why", "Words for: " + words(data.why.words) + (data.why.against.length > 0 ? " · against: " + words(data.why.against) : "")));
      } else if (state.related) {
        var paper = data.paper;
        var name = paper.title || firstSentence(paper.abstract);
        heading.textContent = "Related to: " + name;
        heading.hidden = false;
        document.title = "Related to " + name + " · papers";
      } else {
        document.title = state.q + " · papers";
      }
      var n = data.results.length;
      status.textContent = n === 0 ? "" : n + (n === 1 ? " paper" : " papers") + " · " + (recommending ? data.method : state.mode) + " · " + ms + " ms";
      if (n === 0) {
        notice("empty", "No papers found", state.related
          ? "Nothing else in the index is close to this paper."
          : "Try other words, or another mode: lexical needs the words themselves, dense only their meaning.");
      }
      if (n > 0 && data.confident === false) {
        notice("unsure", "No confident match", "None of these papers is likely to answer the question; the closest are shown below.");
      }
      data.results.forEach(function (hit, i) { list.append(renderHit(hit, i + 1, state.mode)); });
      if (n > 0 && !recommending) showExports(url.replace(/&explain=true/, ""));
      if ((state.related || recommending) && focusHeading === true) heading.focus();
    } catch (error) {
      if (mine !== generation) return;
      status.textContent = "";
      document.title = "Error · papers";
      notice("error", "Something went wrong", error instanceof Error ? error.message : String(error));
    } finally {
      if (mine === generation) list.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value.trim();
    if (!q) { input.focus(); return; }
    navigate({ q: q, mode: modeSelect.value });
  });

  modeSelect.addEventListener("change", function () {
    var state = stateFromUrl();
    if (state.q || state.related) navigate({ q: state.q, related: state.related, mode: modeSelect.value });
  });

  // "/" jumps to the search box from anywhere on the page.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  recommendButton.addEventListener("click", function () {
    navigate({ like: Array.from(picked.like), unlike: Array.from(picked.unlike), mode: modeSelect.value });
  });

  window.addEventListener("popstate", function () { render(false); });

  getJson("/api/info").then(function (info) {
    var model = String(info.model).replace(/^.*\//, "");
    $("info").textContent = info.count + " papers · " + model;
  }, function () { /* the page works without it */ });

  render(false);
  input.focus();
})();
`;

const HTML_HEAD = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>papers</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><div class="wrap">
  <a class="brand" href="/">papers</a><span id="info" class="info"></span> <a class="info" href="/map">map</a>
  <form id="search" action="/" method="get" role="search">
    <label class="visually-hidden" for="q">Question</label>
    <input id="q" name="q" type="search" maxlength="1000" required autofocus autocomplete="off"
      placeholder="Ask a question, e.g. ways to reduce decode latency">
    <label class="visually-hidden" for="mode">Search mode</label>
    <select id="mode" name="mode">
      <option value="hybrid">hybrid</option>
      <option value="dense">dense (meaning)</option>
      <option value="lexical">lexical (words)</option>
    </select>
    <button type="submit">Search</button>
  </form>
</div></header>
<main class="wrap">
  <h1 id="heading" tabindex="-1" hidden></h1>
  <p id="status" class="status" role="status" aria-live="polite"></p>
  <div id="message"></div>
  <ol id="results" class="results"></ol>
  <p id="export" class="export" hidden></p>
  <button id="recommend" class="recommend" type="button" hidden></button>
  <p class="hint">Press <kbd>/</kbd> to search. Results come from a local index; nothing leaves this machine but the links you follow.</p>
</main>
`;

export const PAGE_HTML = `${HTML_HEAD}<script>${SCRIPT}</script>
</body>
</html>
`;

/** As every page of papers: its own script and style only (see pageCsp). */
export const PAGE_CSP = pageCsp(SCRIPT, STYLE);
