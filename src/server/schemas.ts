/** JSON schemas more than one route module takes (fastify validates with them). */
import { LIMITS } from "../limits.js";

/** `:id` in a paper's routes. */
export const idParams = {
  type: "object",
  properties: { id: { type: "string", minLength: 1, maxLength: LIMITS.maxIdLength } },
  required: ["id"],
  additionalProperties: false,
} as const;

const text = (maxLength: number) => ({ type: "string", maxLength }) as const;

/** The filters /api/search and /api/ask take (the request layer's SearchFilters), as the CLI's and MCP's; an empty one is refused by the library (BAD_OPTION). */
export const filterProperties = {
  year: text(20),
  since: text(20),
  until: text(20),
  category: text(LIMITS.maxQuestion),
  author: text(LIMITS.maxQuestion),
  tag: text(LIMITS.maxQuestion),
  collection: text(LIMITS.maxQuestion),
} as const;
