/**
 * The search page's saved likes (the page: src/server/page.ts; its script: src/web/search-page.ts,
 * served after this file). Every paper shown gets a like button and a "not for me" button: each
 * a real <button> with aria-pressed, saving the paper's state (liked, unliked or neither) with the
 * index through POST /api/likes, and showing the state the server answered (GET /api/likes on
 * load). "New for you" (GET /api/feed) ranks the newest papers for those likes; this file makes
 * the explanation of each of its papers and its messages. Text from the server only as text.
 */

type LikeState = "liked" | "unliked" | "neither";

/** What each button asks for: pressing it sets `state`, pressing it again when it is in that state goes back to neither. */
const LIKE_BUTTONS = [
  { state: "liked", className: "save-like", icon: "\u2665", text: "like", tip: "Save a like for this paper: New for you ranks the newest papers for your likes" },
  { state: "unliked", className: "save-unlike", icon: "\u2715", text: "not for me", tip: "Save that you want no more like this paper: New for you ranks against it" },
] as const;

/** The body of POST /api/likes that puts a paper in a state. */
function likeChange(id: string, state: LikeState): { like?: string[]; unlike?: string[]; clear?: string[] } {
  if (state === "liked") return { like: [id] };
  if (state === "unliked") return { unlike: [id] };
  return { clear: [id] };
}

/**
 * The likes saved with the index, as the server last answered them, and the buttons that show them.
 * Every group of buttons on the page (a paper may be shown twice) is updated from the same answer.
 */
class SavedLikes {
  private liked = new Set<string>();
  private unliked = new Set<string>();
  /** Papers whose change is on its way to the server: a second click waits for the answer. */
  private readonly pending = new Set<string>();
  /** Reads the saved likes (GET /api/likes); the buttons show them when the answer comes. */
  async load(): Promise<void> {
    this.apply(await getJson<ApiLikes>("/api/likes"));
  }

  stateOf(id: string): LikeState {
    return this.liked.has(id) ? "liked" : this.unliked.has(id) ? "unliked" : "neither";
  }

  /** The two buttons of paper `id`, in a group named after its title. */
  buttons(id: string, title: string): HTMLSpanElement {
    const group = el("span", "saved-like");
    group.dataset.id = id;
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Your like of " + title);
    for (const kind of LIKE_BUTTONS) {
      const b = el("button", kind.className);
      b.type = "button";
      b.title = kind.tip;
      const icon = el("span", "icon", kind.icon);
      icon.setAttribute("aria-hidden", "true");
      b.append(icon, " " + kind.text);
      b.dataset.state = kind.state;
      b.addEventListener("click", () => void this.press(id, kind.state, group));
      group.append(b);
    }
    const error = el("span", "like-error");
    error.setAttribute("role", "alert");
    group.append(error);
    this.show(group);
    return group;
  }

  private async press(id: string, state: LikeState, group: HTMLElement): Promise<void> {
    if (this.pending.has(id)) return;
    const next = this.stateOf(id) === state ? "neither" : state;
    this.pending.add(id);
    this.eachGroup(id, (g) => {
      g.setAttribute("aria-busy", "true");
      g.querySelector(".like-error")?.replaceChildren();
    });
    try {
      this.apply(await postJson<ApiLikes>("/api/likes", likeChange(id, next)));
    } catch (error) {
      const say = group.querySelector(".like-error");
      if (say) say.textContent = "Not saved: " + messageOf(error);
    } finally {
      this.pending.delete(id);
      this.eachGroup(id, (g) => g.removeAttribute("aria-busy"));
    }
  }

  /** The server's answer becomes what every button shows. */
  private apply(answer: ApiLikes): void {
    this.liked = new Set(answer.liked.map((p) => p.id));
    this.unliked = new Set(answer.unliked.map((p) => p.id));
    document.querySelectorAll<HTMLElement>(".saved-like").forEach((group) => this.show(group));
  }

  private show(group: HTMLElement): void {
    const state = this.stateOf(group.dataset.id || "");
    group.dataset.state = state;
    group.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.state === state)));
  }

  private eachGroup(id: string, work: (group: HTMLElement) => void): void {
    document.querySelectorAll<HTMLElement>(".saved-like").forEach((group) => {
      if (group.dataset.id === id) work(group);
    });
  }
}

/** Why a paper is in the feed: the liked paper it is nearest to (a link to its related papers), and the words it has. */
function feedReason(item: ApiFeedItem, relatedTo: (id: string, label: string) => HTMLAnchorElement): HTMLParagraphElement {
  const why = el("p", "reason");
  why.append("Near your like ");
  why.append(relatedTo(item.nearest.id, item.nearest.title || item.nearest.id));
  why.append(" (cosine " + item.nearest.cosine.toFixed(2) + ")");
  if (item.words.length > 0) why.append(" \u00b7 words: " + item.words.map((w) => w.word).join(", "));
  return why;
}

/** The window a feed covers, in words: "2026-06-29 to 2026-07-01", or one day. */
function feedWindow(feed: { since: string | null; until: string | null }): string {
  if (feed.since && feed.since === feed.until) return feed.since;
  return (feed.since || "the first day") + " to " + (feed.until || "the last");
}

/** What to say when the feed cannot be made: [title, detail] for a notice, or null for an error of another kind. */
function feedProblem(error: unknown): [string, string] | null {
  if (!(error instanceof ApiFailure)) return null;
  if (error.code === "NO_LIKES") {
    return ["No likes yet: like a paper first", "Search, press \u2665 like on the papers you want more of, and come back: New for you ranks the newest papers in the index for your likes."];
  }
  if (error.code === "BAD_OPTION") return ["No new papers to rank", error.message];
  return null;
}
