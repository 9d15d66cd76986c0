/** The citation links of a PostgreSQL library: a row of its artifacts table (shared/citations-store.ts). */
import type pg from "pg";
import type { CitationData } from "../../citations/links.js";
import { CITATIONS_ARTIFACT, parseCitations, serializeCitations } from "../shared/citations-store.js";
import type { Database } from "./pool.js";

/** The stored links, or null (none, or no artifacts table yet). */
export async function readCitations(db: Database, location: string): Promise<CitationData | null> {
  const { rows: tables } = await db.query<{ t: string | null }>("SELECT to_regclass($1) AS t", [`${db.schema}.artifacts`]);
  if (!tables[0]?.t) return null;
  const { rows } = await db.query<{ data: Buffer }>(`SELECT data FROM ${db.schema}.artifacts WHERE name = $1`, [CITATIONS_ARTIFACT]);
  return parseCitations(rows[0]?.data ?? null, location);
}

/** Writes the links in the update's transaction (removes the row when no paper has references). */
export async function storeCitations(client: pg.PoolClient, s: string, data: CitationData): Promise<void> {
  const bytes = serializeCitations(data);
  if (bytes) {
    await client.query(`INSERT INTO ${s}.artifacts (name, data) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET data = excluded.data`, [CITATIONS_ARTIFACT, bytes]);
  } else {
    await client.query(`DELETE FROM ${s}.artifacts WHERE name = $1`, [CITATIONS_ARTIFACT]);
  }
}
