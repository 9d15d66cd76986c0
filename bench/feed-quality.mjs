#!/usr/bin/env node
// Feed quality on a time split of the shared arXiv listings (../shared/data/arxiv-cs-listings):
// index every paper of the last three listing days (the window) and a sample of earlier ones; for
// each category, like 15 papers of it (primary category) listed months before the window, and ask
//   - feed: recommend restricted to the window (PaperIndex.feed), top 20;
//   - recommend cut to the window: recommend over the whole index (k = --cut, and k = 20), then
//     only the papers of the window, top 20 (what a feed without a window-aware engine would give);
//   - feed with 5 unlikes of another category too (the classifier, over every paper of the window);
// and report precision@20: the share of the 20 whose categories include the liked one (a missing
// result counts as a miss). Each category is drawn --trials times (other likes each time).
//
//   npm run build && node bench/feed-quality.mjs [--earlier 4000] [--trials 3] [--index /tmp/feed-bench/index] [--pool]
//
// The index is built once (real model, ~40 papers/s on 2 cores) and reused while its paper list
// is the same; --rebuild starts again.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { indexPapers, openIndex } from "../dist/papers.js";
import { RECOMMEND_SETTINGS } from "../dist/ranking/recommend.js";
import { resolveOptions } from "../dist/settings.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: new URL("../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname },
    index: { type: "string", default: "/tmp/feed-bench/index" },
    earlier: { type: "string", default: "4000" },
    trials: { type: "string", default: "3" },
    days: { type: "string", default: "3" },
    cut: { type: "string", default: "200" },
    categories: { type: "string", default: "cs.CV,cs.CL,cs.AI,cs.LG,cs.IT" },
    "likes-before-days": { type: "string", default: "60" },
    rebuild: { type: "boolean", default: false },
    // With unlikes, score only the candidates retrieval brings (within the window) instead of every
    // paper of it: what RECOMMEND_SETTINGS.exhaustiveUpTo chooses between.
    pool: { type: "boolean", default: false },
  },
});

if (values.pool) RECOMMEND_SETTINGS.exhaustiveUpTo = 0;

let state = 20260701;
const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const draw = (list, n) => {
  const picked = new Set();
  while (picked.size < Math.min(n, list.length)) picked.add(list[Math.floor(random() * list.length)]);
  return [...picked];
};

const all = gunzipSync(readFileSync(values.data)).toString("utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
const dates = [...new Set(all.map((p) => p.date))].sort();
const window = dates.slice(-Number(values.days));
const [since, until] = [window[0], window[window.length - 1]];
const inWindow = (p) => p.date >= since && p.date <= until;
const likesBefore = new Date(Date.parse(`${since}T00:00:00Z`) - Number(values["likes-before-days"]) * 86_400_000).toISOString().slice(0, 10);
const categories = values.categories.split(",");
const trials = Number(values.trials);

// The likes: per category and trial, 15 papers of that primary category listed before likesBefore.
const likeSets = [];
for (const category of categories) {
  const pool = all.filter((p) => p.categories[0] === category && p.date < likesBefore).map((p) => p.id);
  for (let t = 0; t < trials; t++) likeSets.push({ category, like: draw(pool, 15) });
}
const liked = new Set(likeSets.flatMap((s) => s.like));
const earlier = draw(all.filter((p) => !inWindow(p) && !liked.has(p.id)).map((p) => p.id), Number(values.earlier));
const chosen = new Set([...all.filter(inWindow).map((p) => p.id), ...liked, ...earlier]);
const papers = all.filter((p) => chosen.has(p.id)).map((p) => ({ id: p.id, title: p.title, abstract: p.summary, authors: p.authors, categories: p.categories, date: p.date }));
const byId = new Map(papers.map((p) => [p.id, p]));

const corpus = join(dirname(values.index), "papers.jsonl");
const listing = papers.map((p) => JSON.stringify(p)).join("\n") + "\n";
mkdirSync(dirname(values.index), { recursive: true });
const options = { ...resolveOptions({}), indexDir: values.index };
const fresh = values.rebuild || !existsSync(corpus) || readFileSync(corpus, "utf8") !== listing || !existsSync(join(values.index, "CURRENT"));
let indexSeconds = null;
if (fresh) {
  writeFileSync(corpus, listing);
  const started = performance.now();
  await indexPapers([corpus], { ...options, rebuild: true, computeMap: false });
  indexSeconds = (performance.now() - started) / 1000;
  console.error(`indexed ${papers.length} papers in ${indexSeconds.toFixed(0)} s`);
}

const index = await openIndex(options);
const windowCount = papers.filter(inWindow).length;
console.error(`${papers.length} papers; window ${since}..${until}: ${windowCount} papers; likes listed before ${likesBefore}`);
const precision = (ids, category) => ids.slice(0, 20).filter((id) => byId.get(id)?.categories.includes(category)).length / 20;
const share = (category) => papers.filter(inWindow).filter((p) => p.categories.includes(category)).length / windowCount;

// With unlikes the feed trains recommend's classifier and scores every paper of the window (a few
// days hold far fewer than RECOMMEND_SETTINGS.exhaustiveUpTo): 5 unlikes of another category,
// drawn from the earlier papers indexed (drawn after the index's list is fixed, so it is reused).
const earlierIds = new Set(earlier);
const unlikeOf = (category) => draw(papers.filter((p) => earlierIds.has(p.id) && p.categories[0] === (category === "cs.CV" ? "cs.CL" : "cs.CV")).map((p) => p.id), 5);

const rows = [];
for (const { category, like } of likeSets) {
  let started = performance.now();
  const feed = await index.feed({ since, until, like, k: 20 });
  const feedMs = performance.now() - started;
  started = performance.now();
  const byDays = await index.feed({ days: Number(values.days), like, k: 20 });
  const daysMs = performance.now() - started;
  if (byDays.since !== since || byDays.until !== until) throw new Error(`--days ${values.days} gave ${byDays.since}..${byDays.until}`);
  const unlike = unlikeOf(category);
  started = performance.now();
  const classified = await index.feed({ since, until, like, unlike, k: 20 });
  const classifiedMs = performance.now() - started;
  started = performance.now();
  const plain = await index.recommend({ like, k: Number(values.cut) });
  const plainMs = performance.now() - started;
  const cut = plain.hits.filter((h) => inWindow(byId.get(h.id))).map((h) => h.id);
  const cut20 = plain.hits.slice(0, 20).filter((h) => inWindow(byId.get(h.id))).map((h) => h.id);
  const ids = feed.items.map((item) => item.id);
  if (ids.some((id) => !inWindow(byId.get(id)) || like.includes(id))) throw new Error("feed returned a paper outside the window, or a liked one");
  const row = {
    category, feed_p20: precision(ids, category), cut_p20: precision(cut, category), cut_kept: cut.length, cut20_p20: precision(cut20, category), window_share: share(category),
    feed_unlikes_p20: precision(classified.items.map((item) => item.id), category), feed_unlikes_candidates: classified.candidates,
    feed_ms: feedMs, feed_days_ms: daysMs, feed_unlikes_ms: classifiedMs, recommend_ms: plainMs,
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}

const median = (xs) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
const mean = (list, key) => list.reduce((s, r) => s + r[key], 0) / list.length;
const perCategory = categories.map((category) => {
  const mine = rows.filter((r) => r.category === category);
  return { category, feed_p20: mean(mine, "feed_p20"), cut_p20: mean(mine, "cut_p20"), cut20_p20: mean(mine, "cut20_p20"), feed_unlikes_p20: mean(mine, "feed_unlikes_p20"), cut_kept: mean(mine, "cut_kept"), window_share: mine[0].window_share };
});
const summary = {
  papers: papers.length, window: { since, until, papers: windowCount }, trials, likes: 15, cut_k: Number(values.cut),
  feed_p20: mean(rows, "feed_p20"), cut_p20: mean(rows, "cut_p20"), cut20_p20: mean(rows, "cut20_p20"), feed_unlikes_p20: mean(rows, "feed_unlikes_p20"),
  ms_median: Object.fromEntries(["feed_ms", "feed_days_ms", "feed_unlikes_ms", "recommend_ms"].map((key) => [key, median(rows.map((r) => r[key]))])),
  index_seconds: indexSeconds, per_category: perCategory,
};
console.log(JSON.stringify(summary, null, 2));
await index.close();
