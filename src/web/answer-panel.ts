/**
 * The search page's Answer panel (issue 26): for a question, the sentences that answer it
 * (GET /api/ask with context=true), each numbered as cited, `[1]`, shown highlighted where it
 * stands in its abstract (or PDF passage, with the page), with a link to its paper. Text from the
 * server goes into the page only as text. Loaded beside the search results, never in their way:
 * a failure leaves the panel hidden.
 */

/** Characters of the abstract shown on each side of the evidence sentence. */
const ANSWER_CONTEXT = 110;
/** Tokens the panel's answer may take: about five sentences, above the results rather than instead of them. */
const ANSWER_BUDGET = 250;

/** The abstract (or passage) around a sentence: up to ANSWER_CONTEXT characters either side, cut at a space. */
function around(context: string, at: number, length: number): { before: string; after: string } {
  let start = Math.max(0, at - ANSWER_CONTEXT);
  if (start > 0) {
    const space = context.indexOf(" ", start);
    start = space >= 0 && space < at ? space + 1 : at;
  }
  let end = Math.min(context.length, at + length + ANSWER_CONTEXT);
  if (end < context.length) {
    const space = context.lastIndexOf(" ", end);
    end = space > at + length ? space : at + length;
  }
  return {
    before: (start > 0 ? "… " : "") + context.slice(start, at),
    after: context.slice(at + length, end) + (end < context.length ? " …" : ""),
  };
}

/** One evidence sentence: its number, the sentence marked inside its context, and its paper. */
function evidenceItem(sentence: ApiEvidence, mode: string): HTMLLIElement {
  const li = el("li", "evidence");
  li.dataset.cite = String(sentence.id);
  li.dataset.paper = sentence.paper.id;
  li.append(el("span", "cite", "[" + sentence.id + "]"));
  const body = el("div", "evidence-body");
  const quote = el("p", "evidence-context");
  const mark = el("mark", "evidence-sentence", sentence.text);
  const context = sentence.context || "";
  const at = context.indexOf(sentence.text);
  if (at >= 0) {
    const { before, after } = around(context, at, sentence.text.length);
    quote.append(before, mark, after);
  } else {
    quote.append(mark);
  }
  body.append(quote);

  const source = el("p", "evidence-source");
  const paper = sentence.paper;
  // A paper without a title goes by its first sentence, as in the results (firstSentence: search-page.ts).
  const title = paper.title || (sentence.page === null && context ? firstSentence(context) : "paper " + paper.id);
  if (paper.url) source.append(externalLink(paper.url, title, "paper"));
  else {
    const a = el("a", "paper", title);
    a.href = "/?" + new URLSearchParams({ related: paper.id, mode }).toString();
    source.append(a);
  }
  const details = [paper.year ? String(paper.year) : "", sentence.page === null ? "abstract" : "p. " + sentence.page + (sentence.section ? ", \u00a7" + sentence.section : "")];
  source.append(" · " + details.filter(Boolean).join(" · "));
  body.append(source);
  li.append(body);
  return li;
}

/** Fills the panel with an answer; hides it when there is no sentence to show. */
function renderAnswer(panel: HTMLElement, answer: ApiAnswer, mode: string): void {
  panel.replaceChildren();
  if (answer.evidence.length === 0) {
    panel.hidden = true;
    return;
  }
  const heading = el("h2", "", "Answer");
  heading.id = "answer-heading";
  panel.append(heading);
  panel.append(
    el("p", "answer-note", answer.confident
      ? "The sentences that answer the question, best first, each where it stands in its paper."
      : "No paper is a confident match: these are the closest sentences found, not an answer."),
  );
  const list = el("ol", "evidence-list");
  for (const sentence of answer.evidence) list.append(evidenceItem(sentence, mode));
  panel.append(list);
  panel.hidden = false;
}

/**
 * Asks for the answer to `q` and shows it in `panel`, unless `current()` says the page has moved
 * on by then. The panel stays hidden while loading and when the answer cannot be had.
 */
async function showAnswer(panel: HTMLElement, q: string, mode: string, current: () => boolean): Promise<void> {
  panel.hidden = true;
  panel.replaceChildren();
  panel.setAttribute("aria-busy", "true");
  try {
    const answer = await getJson<ApiAnswer>("/api/ask?" + new URLSearchParams({ q, mode, budget: String(ANSWER_BUDGET), context: "true" }).toString());
    if (current()) renderAnswer(panel, answer, mode);
  } catch {
    /* the results below answer on their own */
  } finally {
    if (current()) panel.removeAttribute("aria-busy");
  }
}
