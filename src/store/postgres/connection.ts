import { PapersError } from "../../errors.js";

/** A PostgreSQL connection string taken apart into what `pg` needs and the schema papers uses. */
export interface PostgresTarget {
  /** For `pg`: the string without papers' own `schema` parameter. */
  connectionString: string;
  /** The schema holding this library's tables: several libraries can share one database. */
  schema: string;
  /** The string without its password, for messages. */
  display: string;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
export const DEFAULT_SCHEMA = "papers";

/**
 * Reads postgres:// and postgresql:// URIs, libpq's Unix-socket form included
 * (`postgresql://user@/db?host=/socket/dir`, which `pg` understands as it is), plus `?schema=NAME`
 * (default `papers`): a plain lower-case identifier, so it never needs quoting.
 */
export function parsePostgresUrl(location: string): PostgresTarget {
  const text = location.trim();
  // Not WHATWG URL: it refuses libpq's empty host (`postgresql://user@/db`), which pg reads well.
  const match = /^(postgres(?:ql)?:\/\/[^?#]*)(?:\?([^#]*))?$/i.exec(text);
  if (!match) {
    throw new PapersError("BAD_OPTION", `not a PostgreSQL connection string: "${redactUrl(text)}": write postgresql://USER@HOST/DB or postgresql://USER@/DB?host=/socket/dir`);
  }
  const params = new URLSearchParams(match[2] ?? "");
  const schema = params.get("schema") ?? DEFAULT_SCHEMA;
  if (!SCHEMA.test(schema)) {
    throw new PapersError("BAD_OPTION", `schema "${schema}" is not a plain name: use lower-case letters, digits and _ (at most 63), starting with a letter`);
  }
  params.delete("schema");
  const query = params.toString();
  const connectionString = query ? `${match[1]}?${query}` : match[1]!;
  return { connectionString, schema, display: redactUrl(text) };
}

/** A connection string with its password replaced by `***`. */
export function redactUrl(text: string): string {
  return text.replace(/^(postgres(?:ql)?:\/\/[^:/@?]*:)[^@/?]*@/i, "$1***@").replace(/([?&]password=)[^&]*/i, "$1***");
}
