/**
 * The search page: one self-contained HTML document (inline CSS and JS, no external resources).
 * Its script (src/web/search-page.ts) talks only to the JSON API of the same origin and never puts
 * text from the server into the page as HTML: everything is built with DOM nodes and textContent.
 *
 * The state lives in the URL (`/?q=…&mode=…`, `/?related=ID&mode=…`, New for you `/?feed=1&days=3`),
 * so a search can be bookmarked and shared, and back and forward work. Every paper has a like
 * button (src/web/likes.ts), saving likes with the index that New for you ranks new papers for.
 */
import { htmlPage, pageCsp, pageScript } from "./page-csp.js";

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
.saved-like { display: inline-flex; gap: 0.3em; align-items: baseline; }
.saved-like button { font: inherit; font-size: 0.85em; background: none; border: 1px solid var(--line); border-radius: 4px; padding: 0 0.45em; cursor: pointer; color: inherit; font-weight: 400; }
.saved-like button.save-like[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: var(--bg); font-weight: 600; }
.saved-like button.save-unlike[aria-pressed="true"] { background: var(--muted); border-color: var(--muted); color: var(--bg); }
.saved-like[aria-busy="true"] button { opacity: 0.6; cursor: progress; }
.like-error { color: var(--error-fg); }
.like-error:empty { display: none; }
.reason { margin: 0 0 0.35rem; font-size: 0.85rem; color: var(--muted); }
.reason a { color: var(--accent); }
.this-paper { color: var(--muted); font-size: 0.9rem; margin: 0.3rem 0 0; }
.feed-controls { margin: 0.5rem 0 0; color: var(--muted); font-size: 0.9rem; }
.feed-controls select { padding: 0.2rem 0.4rem; }
a.info[aria-current="page"] { font-weight: 700; }
.notice { margin: 1.2rem 0; padding: 0.9rem 1rem; border-radius: 6px; border: 1px solid var(--line); }
.notice.error { background: var(--error-bg); color: var(--error-fg); border-color: transparent; }
.notice p { margin: 0.2rem 0 0; color: var(--muted); }
.notice.error p { color: inherit; }
.hint { color: var(--muted); font-size: 0.85rem; }
kbd { font: 0.8rem ui-monospace, monospace; border: 1px solid var(--line); border-radius: 3px; padding: 0 0.25rem; }
.answer { margin: 1rem 0 0.4rem; padding: 0.8rem 1rem; border: 1px solid var(--line); border-radius: 6px; }
.answer h2 { font-size: 1rem; margin: 0; }
.answer-note { color: var(--muted); font-size: 0.85rem; margin: 0.2rem 0 0.5rem; }
ol.evidence-list { list-style: none; padding: 0; margin: 0; }
li.evidence { display: grid; grid-template-columns: 2.2rem 1fr; padding: 0.45rem 0; border-top: 1px solid var(--line); }
li.evidence .cite { color: var(--muted); font-variant-numeric: tabular-nums; }
.evidence-context { margin: 0; }
.evidence-source { margin: 0.15rem 0 0; font-size: 0.85rem; color: var(--muted); }
.citations h2 { font-size: 1rem; margin: 1.4rem 0 0.2rem; }
.citations ol, .citations ul { margin: 0.3rem 0; padding-left: 2rem; }
.citations li { margin: 0.2rem 0; }
.hit-citations { margin: 0 0 0.35rem; font-size: 0.85rem; color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

// src/web/search-page.ts, compiled by `npm run build`.
const SCRIPT = pageScript("search-page");

const BODY = `<header><div class="wrap">
  <a class="brand" href="/">papers</a><span id="info" class="info"></span> <a class="info" href="/map">map</a>
  <a id="feed-link" class="info" href="/?feed=1&amp;days=3">New for you</a>
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
  <p id="feed-controls" class="feed-controls" hidden>
    <label for="days">Papers of</label>
    <select id="days">
      <option value="1">the newest day</option>
      <option value="3">the 3 newest days</option>
      <option value="7">the 7 newest days</option>
      <option value="14">the 14 newest days</option>
      <option value="30">the 30 newest days</option>
    </select>
    in the index, ranked for your likes (<span aria-hidden="true">\u2665</span> like on any paper).
  </p>
  <p id="status" class="status" role="status" aria-live="polite"></p>
  <div id="message"></div>
  <section id="answer" class="answer" aria-labelledby="answer-heading" hidden></section>
  <ol id="results" class="results"></ol>
  <p id="export" class="export" hidden></p>
  <section id="citations" class="citations" hidden></section>
  <button id="recommend" class="recommend" type="button" hidden></button>
  <p class="hint">Press <kbd>/</kbd> to search. Results come from a local index; nothing leaves this machine but the links you follow.</p>
</main>
`;

export const PAGE_HTML = htmlPage({ title: "papers", style: STYLE, body: BODY, script: SCRIPT });

/** As every page of papers: its own script and style only (see pageCsp). */
export const PAGE_CSP = pageCsp(SCRIPT, STYLE);
