import { PapersError } from "../errors.js";
import { FolderStore } from "./folder/folder-store.js";
import { POSTGRES_SCHEME } from "./postgres/connection.js";
import type { IndexStore } from "./store.js";

/** Whether a --store value names a PostgreSQL database (libpq's two URI schemes). */
export function isPostgresUrl(location: string): boolean {
  return POSTGRES_SCHEME.test(location.trim());
}

/**
 * The store named by `--store` (a postgres:// or postgresql:// connection string, or a folder),
 * else the index folder. The Postgres driver is loaded only when a database is named.
 */
export async function openStore(location: { store?: string; indexDir: string }): Promise<IndexStore> {
  const named = location.store?.trim();
  if (named === "") throw new PapersError("BAD_OPTION", "--store is empty: give a postgres:// connection string or a folder");
  if (named && isPostgresUrl(named)) {
    const { PostgresStore } = await import("./postgres/postgres-store.js");
    return PostgresStore.connect(named);
  }
  return new FolderStore(named ?? location.indexDir);
}
