/**
 * What a PostgreSQL library's server could change for speed, read from the server: said by
 * `papers info` (and /api/info, MCP's info) as `advice`.
 */
import type { Database } from "./pool.js";

/** The vector indexes a search walks. */
const GRAPH_INDEXES = ["papers_embedding", "passages_embedding"];
const MB = 1024 * 1024;

/**
 * Advice when the vector indexes do not fit in shared_buffers, or null. At 75,000 papers (a 146 MB
 * graph) a dense search took 6.80 ms of database CPU with the default 128 MB against 4.10 ms with
 * 512 MB (bench/stores-synthetic.mjs, docs/sharing-one-library.md): pages read through the
 * operating system's cache cost a copy each.
 */
export function sharedBuffersAdvice(sharedBuffers: number, graph: number): string | null {
  if (graph <= sharedBuffers) return null;
  // A quarter more than the graph, for the papers' rows it reads, in whole 128 MB steps.
  const wanted = Math.ceil((graph * 1.25) / (128 * MB)) * 128;
  return (
    `the vector indexes (${Math.round(graph / MB)} MB) do not fit in PostgreSQL's shared_buffers (${Math.round(sharedBuffers / MB)} MB): ` +
    `dense searches then take about 1.7× the database's CPU; give it ${wanted} MB or more ` +
    `(ALTER SYSTEM SET shared_buffers = '${wanted}MB', then restart PostgreSQL)`
  );
}

/** The server's shared_buffers and the size of the library's vector indexes, in bytes. */
export async function readTuningFacts(db: Database, schema: string): Promise<{ sharedBuffers: number; graph: number }> {
  const { rows } = await db.query<{ buffers: string; graph: string | null }>(
    `SELECT (SELECT setting::bigint * current_setting('block_size')::bigint FROM pg_settings WHERE name = 'shared_buffers') AS buffers,
            (SELECT sum(pg_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = $1 AND c.relname = ANY($2)) AS graph`,
    [schema, GRAPH_INDEXES],
  );
  return { sharedBuffers: Number(rows[0]?.buffers ?? 0), graph: Number(rows[0]?.graph ?? 0) };
}

/** The advice for the library in `schema` (none when all is well). */
export async function readTuningAdvice(db: Database, schema: string): Promise<string[]> {
  const { sharedBuffers, graph } = await readTuningFacts(db, schema);
  const advice = sharedBuffersAdvice(sharedBuffers, graph);
  return advice ? [advice] : [];
}
