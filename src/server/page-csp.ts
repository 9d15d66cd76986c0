/**
 * What a page of papers runs, and what it may run: its script, compiled from src/web (TypeScript
 * checked against the DOM) into dist/web by `npm run build` and inlined into the page; the data
 * the script reads, as JSON; and the CSP that lets only that script and the page's style in.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../paths.js";

/** The compiled browser code: beside the rest of dist, in a checkout and in the installed package. */
const WEB_DIR = join(PACKAGE_ROOT, "dist", "web");

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** What each page's script is made of, in order (src/web/<name>.ts): the helpers every page shares first. */
const PAGE_PARTS = {
  "search-page": ["dom", "likes", "answer-panel", "citations", "search-page"],
  "map-page": ["dom", "map-page"],
} as const;

/**
 * A page's script as it is served: the helpers every page shares (src/web/dom.ts), then the
 * page's own (src/web/<page>.ts, after the search page's likes, src/web/likes.ts). The files are
 * plain scripts; one function around them keeps what they declare out of the page's globals, as
 * the script was written before it was TypeScript.
 */
export function pageScript(page: keyof typeof PAGE_PARTS): string {
  const parts = PAGE_PARTS[page].map((name) => {
    const file = join(WEB_DIR, `${name}.js`);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new Error(`the ${page}'s script is missing (${(error as Error).message}): \`npm run build\` compiles it from src/web/${name}.ts`);
    }
    // Each file says "use strict" for itself (tsc writes it); said once, before the function, it holds for all.
    return text.replace(/^"use strict";\n/, "");
  });
  const script = `\n"use strict";\n(function () {\n${parts.join("\n")}})();\n`;
  // Inline, the text must not end its <script> element early or open an HTML comment in it.
  if (/<\/script|<!--/i.test(script)) throw new Error(`the ${page}'s script has "</script" or "<!--" in it, which cannot be inlined`);
  return script;
}

/**
 * Data for a page's script, in a block it reads with JSON.parse rather than spliced into its code.
 * "<" is written \u003c, so no value can end the block early. (A JSON block is not run: the CSP
 * has nothing to allow for it.)
 */
export function jsonBlock(id: string, value: unknown): string {
  return `<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, "\\u003c")}</script>`;
}

/** A whole page: the head every page has with its style, its body, its data blocks, and its script last. */
export function htmlPage(page: { title: string; style: string; body: string; script: string; data?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title}</title>
<link rel="icon" href="data:,">
<style>${page.style}</style>
</head>
<body>
${page.body}${page.data ?? ""}
<script>${page.script}</script>
</body>
</html>
`;
}

/**
 * A page may run only its own script and style, and talk only to its own origin: an abstract
 * that somehow became markup still could not load or send anything.
 */
export function pageCsp(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src data:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
