/**
 * The map page's script (the page itself: src/server/map-page.ts): every paper as a dot on a
 * canvas, coloured by topic, with the topics' labels; zoom (wheel, +/−), pan (drag, arrow keys),
 * hover for a title, click for the paper and its related papers, and a search that lights up its
 * hits. The topic list and the hits are also plain lists of buttons beside it: the text
 * fallback, and what the keyboard walks through.
 */

/** Cells per side of the grid over the data that finds the dot nearest a point. */
const GRID = 128;

function canvas2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const context = canvas.getContext("2d");
  if (!context) throw new Error("the map needs a 2D canvas");
  return context;
}

/** A paper's title, or the start of its abstract when it has none. */
function shortTitle(paper: { title: string | null; abstract: string }, length: number): string {
  return paper.title || paper.abstract.slice(0, length) + "…";
}

function startMapPage(): void {
  // The topics' colours, as `papers map --out` draws them (src/map/render.ts).
  const colours = pageData<string[]>("topic-colours");
  const { map: canvas, tip, status, panel, topics: topicList, hits: hitList, q: queryInput, search: form, info } = elementsById({
    map: HTMLCanvasElement, tip: HTMLDivElement, status: HTMLParagraphElement, panel: HTMLDivElement, topics: HTMLOListElement,
    hits: HTMLOListElement, q: HTMLInputElement, search: HTMLFormElement, info: HTMLSpanElement,
  });
  const ctx = canvas2d(canvas);
  let data: ApiMap | null = null;
  let topics: ApiTopic[] = [];
  let hits = new Set<number>();
  let selected: number | null = null;
  const view = { scale: 1, ox: 0, oy: 0 };
  const titles = new Map<string, string>();
  const indexOf = new Map<string, number>();
  let grid: number[][] = [];
  let pending = false;
  let hovered = -1;
  let dragging = false;
  let moved = false;
  let last: [number, number] = [0, 0];
  let opened = 0;
  let searched = 0;

  const colour = (t: number) => colours[t % colours.length]!;
  function swatch(t: number): HTMLSpanElement {
    const sw = el("span", "swatch");
    sw.style.background = colour(t);
    return sw;
  }

  // Data coordinates are [0, 1]; the view maps them to CSS pixels: screen = o + v * scale * side.
  function side(): number {
    return Math.min(canvas.clientWidth, canvas.clientHeight) * 0.94;
  }
  function fit(): void {
    view.scale = 1;
    view.ox = (canvas.clientWidth - side()) / 2;
    view.oy = (canvas.clientHeight - side()) / 2;
  }
  const sx = (x: number) => view.ox + x * view.scale * side();
  const sy = (y: number) => view.oy + y * view.scale * side();

  // A grid over the data for hover and click: the nearest dot without looking at 74,728 of them.
  function buildGrid(map: ApiMap): void {
    grid = Array.from({ length: GRID * GRID }, () => []);
    for (let i = 0; i < map.ids.length; i++) {
      const gx = Math.min(GRID - 1, Math.max(0, Math.floor(map.x[i]! * GRID)));
      const gy = Math.min(GRID - 1, Math.max(0, Math.floor(map.y[i]! * GRID)));
      grid[gy * GRID + gx]!.push(i);
    }
  }
  function nearest(map: ApiMap, px: number, py: number, maxPixels: number): number {
    const s = view.scale * side();
    const x = (px - view.ox) / s, y = (py - view.oy) / s, r = maxPixels / s;
    let best = -1, bestD = r * r;
    const x0 = Math.max(0, Math.floor((x - r) * GRID)), x1 = Math.min(GRID - 1, Math.floor((x + r) * GRID));
    const y0 = Math.max(0, Math.floor((y - r) * GRID)), y1 = Math.min(GRID - 1, Math.floor((y + r) * GRID));
    for (let gy = y0; gy <= y1; gy++) {
      for (let gx = x0; gx <= x1; gx++) {
        for (const i of grid[gy * GRID + gx]!) {
          const dx = map.x[i]! - x, dy = map.y[i]! - y, d = dx * dx + dy * dy;
          if (d <= bestD) {
            best = i;
            bestD = d;
          }
        }
      }
    }
    return best;
  }

  function draw(): void {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      paint();
    });
  }
  function paint(): void {
    const ratio = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const map = data;
    if (!map) return;
    const n = map.ids.length;
    const dot = Math.max(1.5, Math.min(6, 260 / Math.sqrt(n)) * Math.sqrt(view.scale));
    const lit = hits.size > 0;
    // Dots by topic, so the colour is set once per topic; faded while a search lights its hits.
    ctx.globalAlpha = lit ? 0.18 : 0.75;
    const byTopic = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const x = sx(map.x[i]!), y = sy(map.y[i]!);
      if (x < -dot || y < -dot || x > w + dot || y > h + dot) continue;
      const t = map.topic[i]!;
      let list = byTopic.get(t);
      if (!list) {
        list = [];
        byTopic.set(t, list);
      }
      list.push(x, y);
    }
    byTopic.forEach((list, t) => {
      ctx.fillStyle = colour(t);
      for (let k = 0; k < list.length; k += 2) ctx.fillRect(list[k]! - dot / 2, list[k + 1]! - dot / 2, dot, dot);
    });
    ctx.globalAlpha = 1;
    let shown = 0;
    if (lit) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = getComputedStyle(document.body).color;
      hits.forEach((i) => {
        const r = Math.max(4, dot * 1.6);
        ctx.beginPath();
        ctx.arc(sx(map.x[i]!), sy(map.y[i]!), r, 0, 2 * Math.PI);
        ctx.fillStyle = colour(map.topic[i]!);
        ctx.fill();
        ctx.stroke();
        shown++;
      });
    }
    if (selected !== null) {
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#e02424";
      ctx.beginPath();
      ctx.arc(sx(map.x[selected]!), sy(map.y[selected]!), Math.max(7, dot * 2.5), 0, 2 * Math.PI);
      ctx.stroke();
    }
    // Labels of the largest topics; more appear as the map is zoomed in.
    const labels = topics.slice().sort((a, b) => b.size - a.size).slice(0, Math.round(12 * view.scale));
    ctx.font = "600 13px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.lineJoin = "round";
    labels.forEach((t) => {
      const x = sx(t.x), y = sy(t.y);
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

  function zoomAt(px: number, py: number, factor: number): void {
    const next = Math.min(200, Math.max(0.5, view.scale * factor));
    factor = next / view.scale;
    view.ox = px - (px - view.ox) * factor;
    view.oy = py - (py - view.oy) * factor;
    view.scale = next;
    draw();
  }

  async function titleOf(map: ApiMap, i: number): Promise<string> {
    const id = map.ids[i]!;
    let title = titles.get(id);
    if (title === undefined) {
      title = shortTitle(await getJson<ApiPaper>("/api/papers/" + encodeURIComponent(id)), 120);
      titles.set(id, title);
    }
    return title;
  }

  canvas.addEventListener("mousemove", (event) => {
    if (!data || dragging) return;
    const i = nearest(data, event.offsetX, event.offsetY, 8);
    if (i === hovered) return;
    hovered = i;
    if (i < 0) {
      tip.hidden = true;
      return;
    }
    tip.style.left = Math.min(event.offsetX + 12, canvas.clientWidth - 200) + "px";
    tip.style.top = event.offsetY + 14 + "px";
    tip.textContent = "…";
    tip.hidden = false;
    titleOf(data, i).then(
      (title) => {
        if (hovered === i) tip.textContent = title;
      },
      () => {
        tip.hidden = true;
      },
    );
  });
  canvas.addEventListener("mouseleave", () => {
    hovered = -1;
    tip.hidden = true;
  });

  canvas.addEventListener("pointerdown", (event) => {
    dragging = true;
    moved = false;
    last = [event.clientX, event.clientY];
    canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!dragging) return;
    const dx = event.clientX - last[0], dy = event.clientY - last[1];
    if (Math.abs(dx) + Math.abs(dy) > 2) {
      moved = true;
      canvas.classList.add("dragging");
      tip.hidden = true;
    }
    if (!moved) return;
    view.ox += dx;
    view.oy += dy;
    last = [event.clientX, event.clientY];
    draw();
  });
  canvas.addEventListener("pointerup", (event) => {
    dragging = false;
    canvas.classList.remove("dragging");
    if (moved || !data) return;
    const i = nearest(data, event.offsetX, event.offsetY, 10);
    if (i >= 0) void openPaper(data, i);
  });
  canvas.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      zoomAt(event.offsetX, event.offsetY, Math.exp(-event.deltaY * 0.0015));
    },
    { passive: false },
  );

  // Keys on the focused map: arrows pan, + and − zoom, 0 fits, Enter opens the paper nearest the centre.
  canvas.addEventListener("keydown", (event) => {
    const step = 60;
    let handled = true;
    if (event.key === "ArrowLeft") view.ox += step;
    else if (event.key === "ArrowRight") view.ox -= step;
    else if (event.key === "ArrowUp") view.oy += step;
    else if (event.key === "ArrowDown") view.oy -= step;
    else if (event.key === "+" || event.key === "=") zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.5);
    else if (event.key === "-") zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1 / 1.5);
    else if (event.key === "0") fit();
    else if (event.key === "Enter" && data) {
      const i = nearest(data, canvas.clientWidth / 2, canvas.clientHeight / 2, Math.max(canvas.clientWidth, canvas.clientHeight));
      if (i >= 0) void openPaper(data, i);
    } else handled = false;
    if (handled) {
      event.preventDefault();
      draw();
    }
  });

  function centreOn(map: ApiMap, i: number): void {
    view.scale = Math.max(view.scale, 3);
    view.ox = canvas.clientWidth / 2 - map.x[i]! * view.scale * side();
    view.oy = canvas.clientHeight / 2 - map.y[i]! * view.scale * side();
  }

  function paperButton(id: string, text: string): HTMLButtonElement {
    const b = el("button", "linkish", text);
    b.type = "button";
    b.addEventListener("click", () => {
      const i = indexOf.get(id);
      if (i !== undefined && data) {
        centreOn(data, i);
        void openPaper(data, i);
      }
    });
    return b;
  }

  function paperList(list: HTMLOListElement, papers: ApiHit[]): void {
    for (const hit of papers) {
      const li = el("li");
      li.append(paperButton(hit.id, shortTitle(hit, 100)));
      list.append(li);
    }
  }

  // The paper and its related papers, in the panel; the map circles it.
  async function openPaper(map: ApiMap, i: number): Promise<void> {
    selected = i;
    draw();
    const id = map.ids[i]!, mine = ++opened;
    panel.replaceChildren(el("p", "status", "Loading…"));
    try {
      const paper = await getJson<ApiPaper>("/api/papers/" + encodeURIComponent(id));
      const related = await getJson<ApiHits>("/api/papers/" + encodeURIComponent(id) + "/related?k=8");
      if (mine !== opened) return;
      const heading = el("h2", "", shortTitle(paper, 120));
      heading.id = "paper-title";
      heading.tabIndex = -1;
      const topic = map.topic[i]!;
      const t = topics[topic];
      const meta = el("p", "muted");
      meta.append(swatch(topic), (t ? t.label : "") + (paper.year ? " · " + paper.year : "") + " · ");
      const link = el("a", "", "open in search");
      link.href = "/?related=" + encodeURIComponent(paper.id) + "&mode=hybrid";
      meta.append(link);
      if (paper.arxivId) meta.append(" · ", externalLink("https://arxiv.org/abs/" + paper.arxivId, " arXiv:" + paper.arxivId));
      const list = el("ol", "related");
      paperList(list, related.results);
      panel.replaceChildren(heading, meta, el("p", "abstract", paper.abstract), el("h2", "", "Related papers"), list);
      panel.dataset.id = paper.id;
      heading.focus();
    } catch (error) {
      if (mine === opened) panel.replaceChildren(el("p", "status", messageOf(error)));
    }
  }

  // A search lights up its hits on the map (and lists them, with how many the map shows).
  async function search(q: string): Promise<void> {
    const mine = ++searched;
    hits = new Set();
    hitList.replaceChildren();
    if (!q) {
      status.textContent = "";
      draw();
      return;
    }
    status.textContent = "Searching…";
    try {
      const found = await getJson<ApiHits>("/api/search?" + new URLSearchParams({ q, k: "20" }).toString());
      if (mine !== searched) return;
      for (const hit of found.results) {
        const i = indexOf.get(hit.id);
        if (i !== undefined) hits.add(i);
      }
      paperList(hitList, found.results);
      status.textContent = found.results.length + " papers found, " + hits.size + " lit on the map";
      draw();
    } catch (error) {
      if (mine === searched) status.textContent = messageOf(error);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = queryInput.value.trim();
    history.replaceState(null, "", q ? "/map?" + new URLSearchParams({ q }).toString() : "/map");
    void search(q);
  });

  function showTopics(): void {
    topicList.replaceChildren();
    for (const t of topics) {
      const li = el("li");
      li.append(swatch(t.id), el("strong", "", t.label), " ", el("span", "muted", "(" + t.size + ")"));
      const reps = el("ul");
      for (const p of t.representatives) {
        const r = el("li");
        r.append(paperButton(p.id, p.title || p.id));
        reps.append(r);
      }
      li.append(reps);
      topicList.append(li);
    }
  }

  window.addEventListener("resize", () => {
    fit();
    draw();
  });

  async function load(): Promise<void> {
    status.textContent = "Loading the map…";
    try {
      const [map, answer] = await Promise.all([getJson<ApiMap>("/api/map"), getJson<{ topics: ApiTopic[] }>("/api/topics")]);
      data = map;
      topics = answer.topics;
      map.ids.forEach((id, i) => indexOf.set(id, i));
      buildGrid(map);
      showTopics();
      fit();
      paint();
      info.textContent = map.ids.length + " papers · " + topics.length + " topics";
      status.textContent = "";
      canvas.dataset.ready = "true";
      // Milliseconds from navigation to the map drawn: bench/map.mjs reads it.
      canvas.dataset.readyMs = String(Math.round(performance.now()));
      const q = new URLSearchParams(location.search).get("q");
      if (q) {
        queryInput.value = q;
        void search(q);
      }
    } catch (error) {
      status.textContent = "The map could not be loaded: " + messageOf(error);
    }
  }
  void load();
}

startMapPage();
