// A local stand-in for arXiv's OAI-PMH service (and a small part of its Atom API), for tests and
// the harvest bench. It answers in the format of arXiv's 2025 service (github.com/arXiv/oaipmh,
// templates record_formats.xml, macros.xml, token.xml, errors.xml; see docs/arxiv-harvest.md):
// records sorted by (datestamp, id), resumptionToken paging, from/until by datestamp, hierarchical
// sets (cs, cs:cs:CL, physics:hep-th), deleted records, and injected faults.
//
// Plain JavaScript (typed by oai-server.d.mts) so that bench/arxiv-harvest.mjs can run it on Node 20.
//
//   node test/arxiv/oai-server.mjs [--data FILE.jsonl.gz] [--limit N] [--page N]   prints the base URL
import { createReadStream, existsSync } from "node:fs";
import { createServer } from "node:http";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createGunzip } from "node:zlib";

/** The shared arXiv listings (../shared/data/arxiv-cs-listings beside the repository, read in place); null when absent. */
export const LISTINGS =
  [new URL("../../../shared/data/arxiv-cs-listings/papers.jsonl.gz", import.meta.url).pathname, "/work/shared/data/arxiv-cs-listings/papers.jsonl.gz"].find((p) => existsSync(p)) ?? null;

/** Reads listing records ({id, title, authors, categories, summary, date}) from a .jsonl.gz. */
export async function loadListings(file = LISTINGS, { limit = Infinity, from = null, until = null } = {}) {
  const out = [];
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const record = JSON.parse(line);
    if ((from && record.date < from) || (until && record.date > until)) continue;
    out.push(record);
    if (out.length >= limit) break;
  }
  lines.close();
  return out;
}

/** `n` made-up listing records over consecutive days from `start`, `perDay` a day, every field filled. */
export function generateListings(n, { start = "2026-06-01", perDay = 5 } = {}) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const day = new Date(Date.parse(`${start}T00:00:00Z`) + Math.floor(i / perDay) * 86_400_000).toISOString().slice(0, 10);
    const id = `${day.slice(2, 4)}${day.slice(5, 7)}.${String(10000 + i).padStart(5, "0")}`;
    out.push({
      id,
      title: `Paper   ${i} on\n  $\\alpha$-stable things`,
      authors: [`Ada ${i} Lovelace`, "Grace Brewster Hopper Jr.", "Alan Turing"],
      categories: i % 2 === 0 ? ["cs.CL", "cs.LG", "68T50"] : ["cs.CV", "eess.IV"],
      summary: `We study thing ${i}\nwith  $x^2 < y$ & more.\n  It works.`,
      date: day,
      comments: `${i + 3} pages, 2 figures`,
      journalRef: i % 3 === 0 ? `J. Things ${i} (2026)` : undefined,
      doi: i % 3 === 0 ? `10.1000/thing.${i}` : undefined,
      license: "http://creativecommons.org/licenses/by/4.0/",
      updated: i % 4 === 0 ? day : undefined,
    });
  }
  return out;
}

const GROUPS = new Set(["cs", "econ", "eess", "math", "q-bio", "q-fin", "stat"]);
const CATEGORY = /^[a-z][a-z-]*(\.[A-Za-z][A-Za-z-]*)?$/;
const SUFFIXES = new Set(["Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"]);

/** arXiv's set spec for a category, as oaipmh/processors/create_set_list.py make_set_str builds it. */
export function setSpec(category) {
  const archive = category.split(".")[0];
  const group = GROUPS.has(archive) ? archive : "physics";
  return `${group}:${category.replace(".", ":")}`;
}

/** A name split as arXiv's <author>: the last word the keyname, a trailing Jr./III the suffix. */
export function splitName(name) {
  const words = name.trim().split(/\s+/);
  const suffix = words.length > 2 && SUFFIXES.has(words[words.length - 1]) ? words.pop() : null;
  const keyname = words.pop() ?? "";
  return { keyname, forenames: words.length ? words.join(" ") : null, suffix };
}

// XML 1.0 allows no C0 control characters but tab, newline and carriage return.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
export function xmlEscape(text) {
  return String(text).replace(INVALID_XML, "").replace(/[&<>"]/g, (c) => ENTITIES[c]);
}

function element(name, value) {
  return value === undefined || value === null || value === "" ? "" : `<${name}>${xmlEscape(value)}</${name}>\n`;
}

function arxivMetadata(r) {
  const categories = r.categories.filter((c) => CATEGORY.test(c));
  const classes = r.categories.filter((c) => !CATEGORY.test(c));
  const authors = r.authors
    .map(splitName)
    .map((a) => `<author>${element("keyname", a.keyname)}${element("forenames", a.forenames)}${element("suffix", a.suffix)}</author>`)
    .join("\n");
  return (
    `<arXiv xmlns="http://arxiv.org/OAI/arXiv/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://arxiv.org/OAI/arXiv/ http://arxiv.org/OAI/arXiv.xsd">\n` +
    element("id", r.id) +
    element("created", r.created ?? r.date) +
    element("updated", r.updated) +
    `<authors>\n${authors}\n</authors>\n` +
    element("title", r.title) +
    element("categories", categories.join(" ")) +
    element("comments", r.comments) +
    element("msc-class", classes.find((c) => /^\d\d[A-Z]/.test(c))) +
    element("acm-class", classes.find((c) => !/^\d\d[A-Z]/.test(c))) +
    element("journal-ref", r.journalRef) +
    element("doi", r.doi) +
    element("license", r.license) +
    element("abstract", r.summary) +
    `</arXiv>`
  );
}

function header(r, deleted) {
  const sets = r.categories.filter((c) => CATEGORY.test(c)).map(setSpec);
  return (
    `<header${deleted ? ' status="deleted"' : ""}>\n<identifier>oai:arXiv.org:${xmlEscape(r.id)}</identifier>\n` +
    `<datestamp>${r.date}</datestamp>\n${[...new Set(sets)].map((s) => `<setSpec>${s}</setSpec>`).join("\n")}\n</header>`
  );
}

function envelope(requestAttributes, base, inner) {
  const attrs = Object.entries(requestAttributes)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">\n` +
    `<responseDate>${new Date().toISOString().slice(0, 19)}Z</responseDate>\n<request${attrs}>${xmlEscape(base)}</request>\n${inner}\n</OAI-PMH>\n`
  );
}

const oaiError = (code, message) => `<error code="${code}">${xmlEscape(message)}</error>`;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const encodeToken = (state) => Buffer.from(JSON.stringify(state)).toString("base64url");

function decodeToken(token) {
  try {
    const state = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    return Number.isInteger(state.skip) ? state : null;
  } catch {
    return null;
  }
}

/**
 * Starts the server on 127.0.0.1, a free port. `faults` is a live list of
 * {on: requestNumber | (n, url) => boolean, kind: "503" | "429" | "badResumptionToken" | "noRecordsMatch" |
 * "drop" | "malformed" | "reset", retryAfter?: seconds}; request numbers count every request, from 1.
 */
export async function startOaiServer({ records, pageSize = 100, deleted = [], faults = [] }) {
  let sorted, byId, deletedIds;
  // What is served can change between requests (a new version, a deletion), as arXiv's does.
  const setRecords = (next, gone) => {
    sorted = [...next].sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.date < b.date ? -1 : 1));
    byId = new Map(sorted.map((r) => [r.id, r]));
    deletedIds = new Set(gone);
  };
  setRecords(records, deleted);
  const log = [];
  let count = 0;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const n = ++count;
    const entry = { n, url: req.url ?? "", at: Date.now(), kind: "ok" };
    log.push(entry);
    const fault = faults.find((f) => (typeof f.on === "function" ? f.on(n, req.url ?? "") : f.on === n));
    if (fault) entry.kind = fault.kind;
    if (fault?.kind === "reset") return void req.socket.destroy();
    if (fault?.kind === "503" || fault?.kind === "429") {
      res.writeHead(Number(fault.kind), { "retry-after": String(fault.retryAfter ?? 1), "content-type": "text/plain" });
      return void res.end(fault.kind === "503" ? "Service unavailable: retry later\n" : "Rate exceeded.\n");
    }
    const body = url.pathname === "/api/query" ? atom(url) : oai(url, fault?.kind);
    const type = url.pathname === "/api/query" ? "application/atom+xml; charset=utf-8" : "text/xml; charset=utf-8";
    if (fault?.kind === "drop") {
      res.writeHead(200, { "content-type": type });
      res.write(body.slice(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.writeHead(200, { "content-type": type });
    res.end(fault?.kind === "malformed" ? body.slice(0, Math.floor(body.length / 2)) : body);
  });

  function oai(url, faultKind) {
    const base = `http://127.0.0.1:${server.address().port}/oai`;
    const params = Object.fromEntries(url.searchParams);
    const answer = (inner, attrs = params) => envelope(attrs, base, inner);
    if (url.pathname !== "/oai") return answer(oaiError("badVerb", "not an OAI-PMH path"), {});
    if (params.verb !== "ListRecords") return answer(oaiError("badVerb", "this test server answers ListRecords only"), {});
    if (faultKind === "noRecordsMatch") return answer(oaiError("noRecordsMatch", "The combination of the values of the from, until, set and metadataPrefix arguments results in an empty list."));
    let state;
    if (params.resumptionToken !== undefined) {
      if (Object.keys(params).length !== 2) return answer(oaiError("badArgument", "resumptionToken is exclusive"), {});
      state = decodeToken(params.resumptionToken);
      if (state === null || faultKind === "badResumptionToken") return answer(oaiError("badResumptionToken", "The value of the resumptionToken argument is invalid or expired."));
    } else {
      if (params.metadataPrefix !== "arXiv") return answer(oaiError("cannotDisseminateFormat", "only metadataPrefix=arXiv here"));
      for (const k of Object.keys(params)) if (!["verb", "metadataPrefix", "from", "until", "set"].includes(k)) return answer(oaiError("badArgument", `unknown argument ${k}`), {});
      if ((params.from && !DAY.test(params.from)) || (params.until && !DAY.test(params.until))) return answer(oaiError("badArgument", "dates are YYYY-MM-DD"));
      state = { from: params.from ?? null, until: params.until ?? null, set: params.set ?? null, skip: 0 };
    }
    const matching = sorted.filter(
      (r) =>
        (!state.from || r.date >= state.from) &&
        (!state.until || r.date <= state.until) &&
        (!state.set || r.categories.some((c) => CATEGORY.test(c) && (setSpec(c) === state.set || setSpec(c).startsWith(`${state.set}:`)))),
    );
    if (matching.length === 0) return answer(oaiError("noRecordsMatch", "The combination of the values of the from, until, set and metadataPrefix arguments results in an empty list."));
    const page = matching.slice(state.skip, state.skip + pageSize);
    const next = state.skip + pageSize;
    const attrs = `cursor="${state.skip}" completeListSize="${matching.length}"`;
    const token = next < matching.length ? `<resumptionToken ${attrs}>${encodeToken({ ...state, skip: next })}</resumptionToken>` : `<resumptionToken ${attrs}/>`;
    const items = page.map((r) =>
      deletedIds.has(r.id) ? `<record>\n${header(r, true)}\n</record>` : `<record>\n${header(r, false)}\n<metadata>\n${arxivMetadata(r)}\n</metadata>\n</record>`,
    );
    return answer(`<ListRecords>\n${items.join("\n")}\n${token}\n</ListRecords>`);
  }

  function atom(url) {
    const ids = (url.searchParams.get("id_list") ?? "").split(",").filter(Boolean);
    const feedHead = `<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">\n<id>${xmlEscape(url.href)}</id>\n<title>arXiv Query</title>\n<updated>${new Date().toISOString().slice(0, 19)}Z</updated>\n`;
    const bad = ids.find((id) => !/^(\d{4}\.\d{4,5}|[a-z-]+(\.[A-Z]{2})?\/\d{7})(v\d+)?$/.test(id));
    if (bad) {
      return `${feedHead}<opensearch:totalResults>1</opensearch:totalResults>\n<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_${xmlEscape(bad)}</id><title>Error</title><summary>incorrect id format for ${xmlEscape(bad)}</summary><updated>${new Date().toISOString().slice(0, 19)}Z</updated><author><name>arXiv api core</name></author></entry>\n</feed>\n`;
    }
    const found = ids.map((id) => byId.get(id.replace(/v\d+$/, ""))).filter(Boolean);
    const entries = found.map((r) => {
      const terms = r.categories.filter((c) => CATEGORY.test(c));
      return (
        `<entry>\n<id>http://arxiv.org/abs/${xmlEscape(r.id)}v${r.updated ? 2 : 1}</id>\n<updated>${r.updated ?? r.date}T12:00:00Z</updated>\n<published>${r.created ?? r.date}T12:00:00Z</published>\n` +
        `<title>${xmlEscape(r.title)}</title>\n<summary>${xmlEscape(r.summary)}</summary>\n${r.authors.map((a) => `<author><name>${xmlEscape(a)}</name></author>`).join("\n")}\n` +
        (r.doi ? `<arxiv:doi>${xmlEscape(r.doi)}</arxiv:doi>\n` : "") +
        (r.comments ? `<arxiv:comment>${xmlEscape(r.comments)}</arxiv:comment>\n` : "") +
        (r.journalRef ? `<arxiv:journal_ref>${xmlEscape(r.journalRef)}</arxiv:journal_ref>\n` : "") +
        `<link href="http://arxiv.org/abs/${xmlEscape(r.id)}" rel="alternate" type="text/html"/>\n` +
        (terms[0] ? `<arxiv:primary_category term="${terms[0]}" scheme="http://arxiv.org/schemas/atom"/>\n` : "") +
        terms.map((t) => `<category term="${t}" scheme="http://arxiv.org/schemas/atom"/>`).join("\n") +
        `\n</entry>`
      );
    });
    return `${feedHead}<opensearch:totalResults>${found.length}</opensearch:totalResults>\n<opensearch:startIndex>0</opensearch:startIndex>\n${entries.join("\n")}\n</feed>\n`;
  }

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    endpoint: `${origin}/oai`,
    api: `${origin}/api/query`,
    log,
    faults,
    setRecords: (next, gone = []) => setRecords(next, gone),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

// Run directly: serve the shared listings (or --data) for the bench, print the base URL.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { data: { type: "string" }, limit: { type: "string" }, page: { type: "string" } } });
  const records = await loadListings(values.data ?? LISTINGS, { limit: values.limit ? Number(values.limit) : Infinity });
  const server = await startOaiServer({ records, pageSize: Number(values.page ?? 1000) });
  process.stdout.write(`${server.endpoint} ${records.length}\n`);
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
}
