import { readFileSync } from "node:fs";
const store = "postgresql://postgres:@/postgres?host=/tmp/papers-pg-speed&schema=bench_speed_arxiv1000";
const titles = readFileSync("/tmp/arxiv1000.jsonl", "utf8").trim().split("\n").slice(0, 100).map((l) => JSON.parse(l).title);
const builds = { new: await import("../dist/papers.js"), base: await import("/work/wt/speed-base/dist/papers.js") };
const indexes = {};
for (const [name, b] of Object.entries(builds)) { indexes[name] = await b.openIndex({ store, indexDir: "/tmp/unused", offline: true }); for (const t of titles) await indexes[name].search(t, 10, "hybrid"); }
const mode = process.argv[2] ?? "hybrid";
const out = { new: [], base: [] };
for (let round = 0; round < 4; round++) {
  for (const name of round % 2 ? ["base", "new"] : ["new", "base"]) {
    const index = indexes[name];
    let done = 0; let i = 0; const end = performance.now() + 5000;
    await Promise.all(Array.from({ length: 50 }, async () => { while (performance.now() < end) { await index.search(titles[i++ % titles.length], 10, mode); done++; } }));
    out[name].push(Math.round(done / 5));
  }
}
console.log(mode, "searches/s with 50 in flight, embeddings cached:", JSON.stringify(out));
for (const index of Object.values(indexes)) await index.close();
