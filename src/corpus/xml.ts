/**
 * The one XML parser setup papers reads services' answers with (arXiv's OAI-PMH and Atom pages,
 * GROBID's TEI), on fast-xml-parser: elements read by local name, attributes as `@_name`, text
 * kept as strings (ids such as 2404.10000 and dates are never numbers).
 */
import { XMLParser } from "fast-xml-parser";

/** A parser in which the elements named in `repeated` are always arrays, so one reads like many. */
export function xmlParser(repeated: ReadonlySet<string>): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    // `arxiv:comment`, `opensearch:totalResults`, TEI's default namespace: read by local name.
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => repeated.has(name),
  });
}
