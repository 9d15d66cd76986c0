/**
 * One writer per library: a session advisory lock, which Postgres drops when the writer's
 * connection goes, however its process died. Readers take no lock.
 */
import type pg from "pg";
import { PapersError } from "../../errors.js";
import type { Database } from "./pool.js";

/** How often a waiting writer asks for the lock again. */
const LOCK_POLL_MS = 200;
/** The advisory lock's first key ("papr"); the second is the schema's hash, so libraries in one database do not share a lock. */
const LOCK_CLASS = 0x70617072;

export function withWriterLock<T>(db: Database, wait: boolean | undefined, body: () => Promise<T>): Promise<T> {
  const key = `papers:${db.schema}`;
  return db.withClient(async (client) => {
    for (;;) {
      const { rows } = await client.query("SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok", [LOCK_CLASS, key]);
      if (rows[0].ok) break;
      if (!wait) {
        throw new PapersError("INDEX_BUSY", `index at ${db.location} is being written by ${await lockHolder(client, key)}: wait for it to finish, or add --wait`);
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
    try {
      return await body();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_CLASS, key]).catch(() => {});
    }
  });
}

async function lockHolder(client: pg.PoolClient, key: string): Promise<string> {
  try {
    const { rows } = await client.query(
      `SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = (hashtext($2)::bigint & 4294967295)::oid AND l.objsubid = 2`,
      [LOCK_CLASS, key],
    );
    if (rows.length === 0) return "another process";
    return `${rows[0].application_name || "another process"} (since ${new Date(rows[0].backend_start).toISOString()})`;
  } catch {
    return "another process";
  }
}
