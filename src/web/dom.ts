/**
 * What both pages use: finding their elements, making new ones (text only ever through
 * textContent, never as HTML), and asking the JSON API of their own origin.
 */

/** The page's element with this id, which must be there and of this kind. */
function byId<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`the page has no ${kind.name} #${id}`);
  return node;
}

type ElementKind = { new (): HTMLElement; prototype: HTMLElement };

/** The page's elements by id, each checked to be of its kind: `{ q: HTMLInputElement }` gives `{ q: <the input> }`. */
function elementsById<T extends Record<string, ElementKind>>(kinds: T): { [K in keyof T]: T[K]["prototype"] } {
  const found: Record<string, HTMLElement> = {};
  for (const [id, kind] of Object.entries(kinds)) found[id] = byId(id, kind);
  return found as { [K in keyof T]: T[K]["prototype"] };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A link out of the page, which tells the site it opens nothing about where it came from. */
function externalLink(href: string, text: string, className?: string): HTMLAnchorElement {
  const a = el("a", className || "", text);
  a.href = href;
  a.rel = "noopener noreferrer";
  return a;
}

/** Data the server put in the page as a `<script type="application/json">` block. */
function pageData<T>(id: string): T {
  return JSON.parse(byId(id, HTMLScriptElement).textContent || "null") as T;
}

/** An error answer of the API: its message, with the code and the status the server gave. */
class ApiFailure extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The API's answer; its error message (or the status) as an ApiFailure when it has none to give. */
async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init || { headers: { accept: "application/json" } });
  let body: (T & ApiError) | null = null;
  try {
    body = (await response.json()) as T & ApiError;
  } catch {
    body = null;
  }
  if (!response.ok || !body) {
    const error = body && body.error;
    throw new ApiFailure((error && error.message) || `the server answered ${response.status}`, (error && error.code) || undefined, response.status);
  }
  return body;
}

/** The API's answer to a JSON body POSTed to it. */
async function postJson<T>(url: string, body: unknown): Promise<T> {
  return getJson<T>(url, { method: "POST", headers: { accept: "application/json", "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** An Error's message, or the thing thrown as text. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
