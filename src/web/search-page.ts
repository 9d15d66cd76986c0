/**
 * The search page's script (the page itself: src/server/page.ts). It talks only to the JSON API
 * of its own origin and puts text from the server into the page only as text.
 *
 * The state lives in the URL (`/?q=…&mode=…`, `/?related=ID&mode=…`, `/?like=…&unlike=…`, and
 * "New for you", `/?feed=1&days=3`), so a search can be bookmarked and shared, and back and forward
 * work. The saved likes (the like buttons, and what New for you says) are in src/web/likes.ts.
 */

const MODES = ["hybrid", "dense", "lexical"];
const SNIPPET = 320;
// New for you: the papers of the newest days in the index, ranked for the saved likes.
const FEED_DAYS = 3;
const FEED_K = 20;
// The results in the formats reference managers read, from the same API with format=: [format, label, file].
const EXPORTS = [
  ["bibtex", "BibTeX", "papers.bib"],
  ["ris", "RIS", "papers.ris"],
  ["csl-json", "CSL-JSON", "papers.json"],
  ["csv", "CSV", "papers.csv"],
  ["markdown", "Markdown", "papers.md"],
] as const;

/** What the page shows: a question, a paper's related papers, a recommendation from picked papers, or New for you. */
interface SearchState {
  q?: string;
  related?: string;
  like?: string[];
  unlike?: string[];
  /** New for you, over the papers of the `days` newest days. */
  feed?: boolean;
  days?: number;
  mode: string;
}

function stateFromUrl(): Required<SearchState> {
  const p = new URLSearchParams(location.search);
  const mode = p.get("mode");
  return {
    q: (p.get("q") || "").trim(),
    related: (p.get("related") || "").trim(),
    like: (p.get("like") || "").split(",").filter(Boolean),
    unlike: (p.get("unlike") || "").split(",").filter(Boolean),
    feed: p.get("feed") === "1",
    days: feedDays(p.get("days")),
    mode: mode !== null && MODES.includes(mode) ? mode : "hybrid",
  };
}

/** The days of a URL's `days=`: a whole number from 1 to 366, else the default. */
function feedDays(text: string | null): number {
  const days = Number(text);
  return text && Number.isInteger(days) && days >= 1 && days <= 366 ? days : FEED_DAYS;
}

function urlFor(state: SearchState): string {
  const p = new URLSearchParams();
  if (state.feed) return "/?feed=1&days=" + (state.days || FEED_DAYS);
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

// The server explains each hit (explain=true): the words of the paper that matched the
// question's terms, and its sentence closest to the question. Highlighting uses those, so the
// page needs no analyzer of its own.
function highlighter(hit: ApiHit): RegExp | null {
  const words = (hit.explain?.terms ?? []).flatMap((t) => t.words);
  const unique = Array.from(new Set(words)).sort((a, b) => b.length - a.length);
  if (unique.length === 0) return null;
  const escaped = unique.map((w) => w.replace(/[.*+?^(){}|[\]\\$]/g, "\\$&"));
  return new RegExp("(?<![\\p{L}\\p{N}])(?:" + escaped.join("|") + ")(?![\\p{L}\\p{N}])", "gu");
}

// Appends text to a node as text nodes, with <mark> around the matched words. Never as HTML.
function appendMarked(parent: HTMLElement, text: string, re: RegExp | null): void {
  if (!re) {
    parent.append(text);
    return;
  }
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    parent.append(el("mark", "", m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

// As appendMarked, with the best sentence (where it falls inside the text) in a highlighted span.
function appendHighlighted(parent: HTMLElement, text: string, re: RegExp | null, sentence?: string | null): void {
  const at = sentence ? text.indexOf(sentence) : -1;
  if (!sentence || at < 0) {
    appendMarked(parent, text, re);
    return;
  }
  appendMarked(parent, text.slice(0, at), re);
  const best = el("span", "best");
  best.title = "the sentence closest to the question";
  appendMarked(best, sentence, re);
  parent.append(best);
  appendMarked(parent, text.slice(at + sentence.length), re);
}

// About SNIPPET characters of the text, starting early enough to show the best sentence.
function snippetOf(text: string, sentence: string | null): string {
  if (text.length <= SNIPPET) return text;
  let start = 0;
  const at = sentence ? text.indexOf(sentence) : -1;
  const length = sentence ? sentence.length : 0;
  if (at >= 0 && at + Math.min(length, 120) > SNIPPET - 60) start = at;
  let end = Math.min(text.length, Math.max(start + SNIPPET, at >= 0 ? at + length : 0));
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space > start) end = space;
  }
  return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
}

function leadSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(text);
  return m && m[1] !== undefined ? m[1] : text;
}

function firstSentence(text: string): string {
  const s = leadSentence(text);
  return s.length > 140 ? s.slice(0, 139).trimEnd() + "…" : s;
}

/** A recommendation's words, for and against: "Words for: a, b · against: c". */
function whyLine(why: ApiRecommend["why"]): HTMLParagraphElement {
  const words = (list: { word: string }[]) => list.slice(0, 6).map((w) => w.word).join(", ");
  return el("p", "why", "Words for: " + words(why.words) + (why.against.length > 0 ? " · against: " + words(why.against) : ""));
}

function startSearchPage(): void {
  const {
    search: form, q: input, mode: modeSelect, heading, status, results: list, message, export: exportBar, recommend: recommendButton, info,
    "feed-link": feedLink, "feed-controls": feedControls, days: daysSelect, answer: answerPanel, citations,
  } = elementsById({
    search: HTMLFormElement, q: HTMLInputElement, mode: HTMLSelectElement, heading: HTMLHeadingElement, status: HTMLParagraphElement,
    results: HTMLOListElement, message: HTMLDivElement, export: HTMLParagraphElement, recommend: HTMLButtonElement, info: HTMLSpanElement,
    "feed-link": HTMLAnchorElement, "feed-controls": HTMLParagraphElement, days: HTMLSelectElement, answer: HTMLElement, citations: HTMLElement,
  });
  const likes = new SavedLikes();
  let generation = 0;
  // Papers marked "more like this" and "less like this", across searches, until a recommendation is asked for.
  const picked = { like: new Set<string>(), unlike: new Set<string>() };

  function showExports(url: string): void {
    exportBar.replaceChildren("Export:");
    for (const [format, label, file] of EXPORTS) {
      const a = el("a", "", label);
      a.href = url + (url.indexOf("?") >= 0 ? "&" : "?") + "format=" + format;
      a.setAttribute("download", file);
      exportBar.append(a);
    }
    exportBar.hidden = false;
  }

  function navigate(state: SearchState, focusHeading = Boolean(state.related || state.feed || (state.like && state.like.length > 0))): void {
    const url = urlFor(state);
    if (url === location.pathname + location.search) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    // Following a "related" link moves the focus to the new heading (for screen readers and Tab).
    void render(focusHeading);
  }

  function relatedLink(id: string, mode: string, label: string): HTMLAnchorElement {
    const a = el("a", "related", label);
    a.href = urlFor({ related: id, mode });
    a.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate({ related: id, mode });
    });
    return a;
  }

  function updateRecommendButton(): void {
    recommendButton.hidden = picked.like.size === 0;
    recommendButton.textContent = "Recommend from " + picked.like.size + " liked" + (picked.unlike.size > 0 ? ", " + picked.unlike.size + " not" : "");
  }

  function pickButton(id: string, side: "like" | "unlike", label: string): HTMLButtonElement {
    const b = el("button", "pick " + side, label);
    b.type = "button";
    b.setAttribute("aria-pressed", String(picked[side].has(id)));
    b.addEventListener("click", () => {
      const other = side === "like" ? "unlike" : "like";
      if (picked[side].has(id)) picked[side].delete(id);
      else {
        picked[side].add(id);
        picked[other].delete(id);
      }
      b.closest("li")?.querySelectorAll("button.pick").forEach((x) => {
        x.setAttribute("aria-pressed", String(picked[x.classList.contains("like") ? "like" : "unlike"].has(id)));
      });
      updateRecommendButton();
    });
    return b;
  }

  function renderHit(hit: ApiHit, rank: number, mode: string, reason?: HTMLElement): HTMLLIElement {
    const re = highlighter(hit);
    const sentence = hit.explain ? hit.explain.sentence : null;
    const li = el("li", "result");
    li.dataset.id = hit.id;
    li.append(el("span", "rank", rank + "."));
    const body = el("div", "body");
    const h2 = el("h2");
    const title = hit.title || firstSentence(hit.abstract);
    const arxiv = hit.arxivId ? "https://arxiv.org/abs/" + hit.arxivId : null;
    let titleTarget: HTMLElement = h2;
    if (arxiv) {
      titleTarget = externalLink(arxiv, "");
      h2.append(titleTarget);
    }
    appendMarked(titleTarget, title, re);
    body.append(h2);

    const meta = el("div", "meta");
    if (arxiv) meta.append(externalLink(arxiv, "arXiv:" + hit.arxivId, "id"));
    else meta.append(el("span", "id", "id " + hit.id));
    if (hit.doi) meta.append(externalLink("https://doi.org/" + hit.doi, "doi"));
    // The day when it is known, else the year.
    if (hit.date) meta.append(el("span", "year", hit.date));
    else if (hit.year) meta.append(el("span", "year", String(hit.year)));
    // A question's hits carry a calibrated relevance, comparable across questions; related ones their score.
    const score = typeof hit.relevance === "number" ? hit.relevance : hit.score;
    const scoreSpan = el("span", "score", "score " + score.toFixed(3));
    if (typeof hit.relevance === "number") scoreSpan.title = "calibrated relevance: about the same meaning for every question";
    meta.append(scoreSpan);
    meta.append(relatedLink(hit.id, mode, "related"));
    meta.append(pickButton(hit.id, "like", "more like this"), pickButton(hit.id, "unlike", "less like this"));
    meta.append(likes.buttons(hit.id, title));
    body.append(meta);
    if (reason) body.append(reason);
    if (hit.citations) body.append(el("p", "hit-citations", "citations: " + hit.citations.text));
    if (hit.explain && hit.explain.terms.length > 0) {
      const shares = hit.explain.terms.map((t) => (t.words[0] || t.term) + " " + Math.round(t.share * 100) + "%");
      body.append(el("div", "matched", "matched: " + shares.join(", ")));
    }

    // A paper without a title shows its first sentence as one; the text below goes on from there.
    let text = hit.abstract;
    if (!hit.title && title === leadSentence(text) && text.length > title.length) text = text.slice(title.length).trim();
    const abstract = el("p", "abstract");
    const short = snippetOf(text, sentence);
    appendHighlighted(abstract, short, re, sentence);
    body.append(abstract);
    if (short !== text) {
      const more = el("button", "more", "more");
      more.type = "button";
      more.setAttribute("aria-expanded", "false");
      more.addEventListener("click", () => {
        const open = more.getAttribute("aria-expanded") === "true";
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
      const passage = el("blockquote", "passage");
      passage.append(el("span", "where", "p. " + hit.passage.page + (hit.passage.section ? ", \u00a7" + hit.passage.section : "")));
      const said = el("span", "said");
      // The best sentence is the abstract's; the passage's snippet starts at its beginning.
      appendHighlighted(said, snippetOf(hit.passage.text, null), re);
      passage.append(" ", said);
      body.append(passage);
    }
    li.append(body);
    return li;
  }

  function notice(kind: "empty" | "unsure" | "error", title: string, detail?: string): void {
    const box = el("div", "notice " + kind);
    if (kind === "error") box.setAttribute("role", "alert");
    box.append(el("strong", "", title));
    if (detail) box.append(el("p", "", detail));
    message.replaceChildren(box);
  }

  /** The days selector shows `days`, an option of its own when the URL asked for a number it does not list. */
  function showDays(days: number): void {
    if (!Array.from(daysSelect.options).some((o) => o.value === String(days))) daysSelect.append(new Option("the " + days + " newest days", String(days)));
    daysSelect.value = String(days);
  }

  /** New for you: the papers of the newest days in the index, ranked for the saved likes, each with why. */
  async function renderFeed(state: Required<SearchState>, mine: number, focusHeading: boolean): Promise<void> {
    showDays(state.days);
    heading.textContent = "New for you";
    heading.hidden = false;
    document.title = "New for you · papers";
    status.textContent = "Ranking the newest papers for your likes…";
    list.setAttribute("aria-busy", "true");
    const started = performance.now();
    try {
      const feed = await getJson<ApiFeed>("/api/feed?" + new URLSearchParams({ days: String(state.days), k: String(FEED_K) }).toString());
      if (mine !== generation) return;
      const n = feed.results.length;
      heading.textContent = "New for you: " + feedWindow(feed);
      status.textContent = n + (n === 1 ? " paper" : " papers") + " · for " + feed.like.length + " liked" + (feed.unlike.length > 0 ? ", " + feed.unlike.length + " not" : "") +
        " · " + feed.method + " · " + Math.round(performance.now() - started) + " ms";
      if (n === 0) notice("empty", "No new papers in this window", "No paper dated " + feedWindow(feed) + " but the ones you liked: choose more days.");
      else message.replaceChildren(whyLine(feed.why));
      feed.results.forEach((item, i) => list.append(renderHit(item, i + 1, state.mode, feedReason(item, (id, label) => relatedLink(id, state.mode, label)))));
    } catch (error) {
      if (mine !== generation) return;
      status.textContent = "";
      const problem = feedProblem(error);
      if (problem) notice("empty", problem[0], problem[1]);
      else notice("error", "Something went wrong", messageOf(error));
    } finally {
      if (mine === generation) list.removeAttribute("aria-busy");
    }
    if (mine === generation && focusHeading) heading.focus();
  }

  async function render(focusHeading: boolean): Promise<void> {
    const state = stateFromUrl();
    const mine = ++generation;
    input.value = state.q;
    modeSelect.value = state.mode;
    list.replaceChildren();
    message.replaceChildren();
    answerPanel.hidden = true;
    exportBar.hidden = true;
    heading.hidden = true;
    citations.hidden = true;
    feedControls.hidden = !state.feed;
    if (state.feed) feedLink.setAttribute("aria-current", "page");
    else feedLink.removeAttribute("aria-current");
    if (state.feed) return renderFeed(state, mine, focusHeading);
    const recommending = state.like.length > 0;
    if (!state.q && !state.related && !recommending) {
      status.textContent = "";
      document.title = "papers";
      return;
    }
    // A question also gets its Answer panel: the sentences that answer it (src/web/answer-panel.ts).
    if (state.q && !state.related && !recommending) void showAnswer(answerPanel, state.q, state.mode, () => mine === generation);
    status.textContent = "Searching…";
    list.setAttribute("aria-busy", "true");
    const started = performance.now();
    const url = state.related
      ? "/api/papers/" + encodeURIComponent(state.related) + "/related?mode=" + state.mode
      : "/api/search?" + new URLSearchParams({ q: state.q, mode: state.mode, explain: "true" }).toString();
    try {
      const data = recommending
        ? await postJson<ApiRecommend>("/api/recommend", { like: state.like, unlike: state.unlike, k: 20 })
        : await getJson<ApiSearch | ApiRelated>(url);
      if (mine !== generation) return;
      const ms = Math.round(performance.now() - started);
      if ("why" in data) {
        heading.textContent = "Recommended from " + state.like.length + " liked" + (state.unlike.length > 0 ? " and " + state.unlike.length + " not" : "");
        heading.hidden = false;
        document.title = "Recommended · papers";
        message.replaceChildren(whyLine(data.why));
      } else if ("paper" in data) {
        const name = data.paper.title || firstSentence(data.paper.abstract);
        heading.textContent = "Related to: " + name;
        heading.hidden = false;
        const self = el("p", "this-paper", "This paper: ");
        self.append(likes.buttons(data.paper.id, name));
        message.replaceChildren(self);
        document.title = "Related to " + name + " · papers";
        const paperLink = (paper: ApiPaper) => relatedLink(paper.id, state.mode, paper.title || firstSentence(paper.abstract));
        showCitations(citations, data.paper.id, paperLink, () => mine === generation).catch(() => {
          // The related papers stand without the citations; an index that cannot give them shows none.
        });
      } else {
        document.title = state.q + " · papers";
      }
      const n = data.results.length;
      status.textContent = n === 0 ? "" : n + (n === 1 ? " paper" : " papers") + " · " + ("why" in data ? data.method : state.mode) + " · " + ms + " ms";
      if (n === 0) {
        notice("empty", "No papers found", state.related
          ? "Nothing else in the index is close to this paper."
          : "Try other words, or another mode: lexical needs the words themselves, dense only their meaning.");
      }
      if (n > 0 && "confident" in data && data.confident === false) {
        notice("unsure", "No confident match", "None of these papers is likely to answer the question; the closest are shown below.");
      }
      data.results.forEach((hit, i) => list.append(renderHit(hit, i + 1, state.mode)));
      if (n > 0 && !recommending) showExports(url.replace(/&explain=true/, ""));
      if ((state.related || recommending) && focusHeading === true) heading.focus();
    } catch (error) {
      if (mine !== generation) return;
      status.textContent = "";
      document.title = "Error · papers";
      notice("error", "Something went wrong", messageOf(error));
    } finally {
      if (mine === generation) list.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) {
      input.focus();
      return;
    }
    navigate({ q, mode: modeSelect.value });
  });

  modeSelect.addEventListener("change", () => {
    const state = stateFromUrl();
    if (state.q || state.related) navigate({ q: state.q, related: state.related, mode: modeSelect.value });
  });

  // "/" jumps to the search box from anywhere on the page.
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
      input.select();
    }
  });

  feedLink.addEventListener("click", (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate({ feed: true, days: stateFromUrl().days, mode: modeSelect.value });
  });

  // Another window of days keeps the focus on the selector.
  daysSelect.addEventListener("change", () => navigate({ feed: true, days: feedDays(daysSelect.value), mode: modeSelect.value }, false));

  recommendButton.addEventListener("click", () => {
    navigate({ like: Array.from(picked.like), unlike: Array.from(picked.unlike), mode: modeSelect.value });
  });

  window.addEventListener("popstate", () => void render(false));

  getJson<ApiInfo>("/api/info").then(
    (answer) => {
      const model = String(answer.model).replace(/^.*\//, "");
      info.textContent = answer.count + " papers · " + model;
    },
    () => {
      /* the page works without it */
    },
  );

  likes.load().catch(() => {
    /* the buttons show neither until a press saves one */
  });
  void render(false);
  input.focus();
}

startSearchPage();
