/**
 * The search page's citations of a paper, shown in its related view: its reference list (each
 * linked to its related view when the library has it, else to arXiv or the DOI when the reference
 * gives one) and the papers of the library citing it. Data from GET /api/papers/:id/refs and
 * /cited-by; built with DOM nodes and textContent only, as the rest of the page.
 */

/** One reference, as /api/papers/:id/refs gives it (src/requests/answers.ts). */
interface ApiReference {
  position: number;
  raw: string;
  title: string | null;
  year: number | null;
  doi: string | null;
  arxivId: string | null;
  paper: ApiPaper | null;
}

interface ApiReferences {
  references: ApiReference[];
  reason: string | null;
}

interface ApiCitedBy {
  citedBy: ApiPaper[];
  reason: string | null;
}

/** Fills `section` with the paper's references and its citers; `paperLink` links a library paper. */
async function showCitations(section: HTMLElement, id: string, paperLink: (paper: ApiPaper) => HTMLAnchorElement, isCurrent: () => boolean): Promise<void> {
  section.replaceChildren();
  section.hidden = true;
  const base = "/api/papers/" + encodeURIComponent(id);
  const [refs, citedBy] = await Promise.all([getJson<ApiReferences>(base + "/refs"), getJson<ApiCitedBy>(base + "/cited-by")]);
  if (!isCurrent()) return;

  const inLibrary = refs.references.filter((r) => r.paper).length;
  const refsHeading = el("h2", "", "References");
  const refsNote = el("p", "hint", refs.references.length === 0 ? refs.reason || "none" : refs.references.length + " references, " + inLibrary + " in your library");
  const refList = el("ol", "refs");
  refList.id = "references";
  for (const ref of refs.references) {
    const li = el("li");
    li.value = ref.position;
    if (ref.paper) {
      li.className = "in-library";
      li.append(paperLink(ref.paper), el("span", "hint", " in your library"));
    } else {
      li.append(el("span", "ref-text", ref.title ? ref.title + (ref.year ? " (" + ref.year + ")" : "") : ref.raw));
      if (ref.arxivId) li.append(" ", externalLink("https://arxiv.org/abs/" + encodeURIComponent(ref.arxivId).replace(/%2F/g, "/"), "arXiv:" + ref.arxivId));
      else if (ref.doi) li.append(" ", externalLink("https://doi.org/" + encodeURIComponent(ref.doi).replace(/%2F/g, "/"), "doi:" + ref.doi));
    }
    refList.append(li);
  }

  const citedHeading = el("h2", "", "Cited by in your library");
  const citedNote = el("p", "hint", citedBy.citedBy.length === 0 ? citedBy.reason || "none" : citedBy.citedBy.length + (citedBy.citedBy.length === 1 ? " paper" : " papers"));
  const citedList = el("ul", "cited-by");
  citedList.id = "cited-by";
  for (const paper of citedBy.citedBy) {
    const li = el("li");
    li.append(paperLink(paper));
    citedList.append(li);
  }
  section.append(refsHeading, refsNote, refList, citedHeading, citedNote, citedList);
  section.hidden = false;
}
