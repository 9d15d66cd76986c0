/** arXiv harvesting (issue 23 part 1): OAI-PMH ListRecords pages, API lookups, and the Paper mapping. */
export { ARXIV_OAI_ENDPOINT, harvest, listUrl, tokenUrl, type HarvestOptions, type HarvestPage } from "./harvest.js";
export { ARXIV_API_ENDPOINT, lookupArxiv, parseAtomFeed, type LookupOptions, type LookupResult } from "./atom.js";
export { parseListRecords, type OaiErrorResponse, type OaiListPage } from "./oai-page.js";
export { ArxivError, DEFAULT_DELAY_MS, PoliteFetch, retryAfterMs, type HarvestProgress, type PoliteOptions } from "./polite-fetch.js";
export { arxivPaper, authorName, bareArxivId, type ArxivAuthor, type ArxivRecord, type DeletedRecord } from "./record.js";
