/**
 * PostgreSQL connection strings: checked and taken apart (libpq's URI form, Unix sockets and
 * several hosts included, which WHATWG URL alone refuses), and shown without their passwords.
 */
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

/** libpq's two URI schemes: what tells a PostgreSQL connection string from a folder. */
export const POSTGRES_SCHEME = /^postgres(?:ql)?:\/\//i;
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
export const DEFAULT_SCHEMA = "papers";
/** Parameters that hold a secret, in a URI's query or in libpq's keyword form. */
const SECRET_KEYS = new Set(["password", "sslpassword"]);

/**
 * Reads postgres:// and postgresql:// URIs, libpq's Unix-socket form included
 * (`postgresql://user@/db?host=/socket/dir`, which `pg` understands as it is), plus `?schema=NAME`
 * (default `papers`): a plain lower-case identifier, so it never needs quoting. A string that does
 * not parse is BAD_STORE_URL, said without its password.
 */
export function parsePostgresUrl(location: string): PostgresTarget {
  const text = location.trim();
  const display = redactUrl(text);
  const parts = splitUri(text, display);
  const params = new URLSearchParams(parts.query);
  const schema = params.get("schema") ?? DEFAULT_SCHEMA;
  if (!SCHEMA.test(schema)) {
    throw new PapersError("BAD_OPTION", `schema "${schema}" is not a plain name: use lower-case letters, digits and _ (at most 63), starting with a letter`);
  }
  params.delete("schema");
  const query = params.toString();
  const connectionString = query ? `${parts.base}?${query}` : parts.base;
  return { connectionString, schema, display };
}

/**
 * A URI split at its query, after checking it as libpq reads it: user and password (percent-encoded
 * where they hold / ? # @), hosts with numeric ports (or none: a socket), a path and a query that
 * a URL parser accepts.
 */
function splitUri(text: string, display: string): { base: string; query: string } {
  const malformed = (why: string) =>
    new PapersError(
      "BAD_STORE_URL",
      `"${display}" is not a PostgreSQL connection string (${why}): write postgresql://USER:PASSWORD@HOST:PORT/DB, with / ? # @ in the password percent-encoded (%2F %3F %23 %40), or postgresql://USER@/DB?host=/socket/dir`,
    );
  const scheme = POSTGRES_SCHEME.exec(text);
  if (!scheme) throw malformed("it does not start with postgresql:// or postgres://");
  if (text.includes("#")) throw malformed("it holds a # (percent-encode it as %23)");
  const rest = text.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?]/) === -1 ? rest.length : rest.search(/[/?]/);
  const at = rest.lastIndexOf("@", authorityEnd - 1);
  const userinfo = at >= 0 && at < authorityEnd ? rest.slice(0, at) : "";
  const hosts = rest.slice(userinfo ? at + 1 : at === 0 ? 1 : 0, authorityEnd);
  const tail = rest.slice(authorityEnd);
  // An @ past the authority, before any parameter's =: a raw / or ? in the password cut it short.
  if (tail.slice(0, tail.search(/=|$/)).includes("@")) throw malformed("the password holds a / or ? that is not percent-encoded");
  const queryAt = tail.indexOf("?");
  const path = queryAt >= 0 ? tail.slice(0, queryAt) : tail;
  for (const host of hosts.split(",")) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[^:[\]]*)(:\d*)?$/.test(host)) throw malformed(`"${host.replace(/:.*/, ":…")}" is not a host with a numeric port`);
  }
  try {
    // WHATWG URL checks the rest (user and password, path and query escapes); the hosts were
    // checked above, as it refuses libpq's empty host and lists of hosts.
    new URL(`postgresql://${userinfo ? `${userinfo}@` : ""}host${tail}`);
    for (const part of [userinfo, tail]) decodeURIComponent(part.replaceAll("+", " "));
  } catch {
    throw malformed("a user name, password or parameter is not properly percent-encoded");
  }
  return { base: text.slice(0, scheme[0].length + authorityEnd) + path, query: queryAt >= 0 ? tail.slice(queryAt + 1) : "" };
}

/**
 * A connection string with every secret replaced by `***`: the URI's password (even one holding
 * a raw / ? or @, where it is read generously up to the last @), and each `password=` and
 * `sslpassword=` parameter, in a URI's query or libpq's keyword form (`host=h password=secret`).
 */
export function redactUrl(text: string): string {
  const scheme = POSTGRES_SCHEME.exec(text);
  if (!scheme) return redactKeywords(text);
  let rest = text.slice(scheme[0].length);
  // The password runs from the user name's colon to the @ before the host: the last @ of the
  // authority, or, when a raw / or ? cut the authority short, the last @ before the query's first key.
  const firstKey = rest.search(/[?&][^=&?]*=/);
  const at = rest.lastIndexOf("@", firstKey === -1 ? rest.length : firstKey);
  const colon = rest.indexOf(":");
  if (at > 0 && colon >= 0 && colon < at && !rest.slice(0, colon).includes("@")) rest = `${rest.slice(0, colon + 1)}***${rest.slice(at)}`;
  const query = rest.indexOf("?");
  if (query >= 0) {
    const params = rest.slice(query + 1).split("&").map((pair) => {
      const key = pair.split("=", 1)[0]!;
      return pair.includes("=") && SECRET_KEYS.has(safeDecode(key).toLowerCase()) ? `${key}=***` : pair;
    });
    rest = `${rest.slice(0, query + 1)}${params.join("&")}`;
  }
  return scheme[0] + rest;
}

/** libpq's keyword form: `key=value` pairs, values bare or single-quoted with backslash escapes. */
function redactKeywords(text: string): string {
  return text.replace(/(^|\s)(\w+)(\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)/g, (all, space: string, key: string, equals: string) =>
    SECRET_KEYS.has(key.toLowerCase()) ? `${space}${key}${equals}***` : all,
  );
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
