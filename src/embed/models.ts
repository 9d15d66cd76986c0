import { PapersError } from "../errors.js";

/**
 * How a model turns text into one vector. For a model folder these facts are read from its
 * sentence-transformers config files (see sentence-transformers-config.ts); the built-in table
 * below only gives aliases and the defaults for a model that is not on disk yet. An index records
 * the facts it was built with, and a query embedded any other way is refused.
 */
export interface ModelSpec {
  /** Hub id (also its folder under a models directory), or the absolute path of a model folder. */
  id: string;
  dimension: number;
  pooling: "mean" | "cls" | "lasttoken";
  /** Tokens beyond this are truncated: the length the model was trained at. */
  maxTokens: number;
  /** Prepended to a question before embedding (asymmetric retrieval models need it). */
  queryPrefix: string;
  /** Prepended to a document before embedding. */
  documentPrefix: string;
  /** Whether vectors are scaled to unit length (a Normalize module). Cosine search needs it. */
  normalize: boolean;
}

/** A known model: its short names and the facts to use until its folder says otherwise. */
export interface KnownModel extends ModelSpec {
  aliases: string[];
}

const RETRIEVAL_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

export const MODELS: readonly KnownModel[] = [
  {
    id: "Xenova/all-MiniLM-L6-v2",
    aliases: ["all-MiniLM-L6-v2", "minilm"],
    dimension: 384,
    pooling: "mean",
    maxTokens: 256,
    queryPrefix: "",
    documentPrefix: "",
    normalize: true,
  },
  {
    id: "Xenova/all-mpnet-base-v2",
    aliases: ["all-mpnet-base-v2", "mpnet"],
    dimension: 768,
    pooling: "mean",
    maxTokens: 384,
    queryPrefix: "",
    documentPrefix: "",
    normalize: true,
  },
  {
    id: "Xenova/bge-small-en-v1.5",
    aliases: ["bge-small-en-v1.5", "bge-small"],
    dimension: 384,
    pooling: "cls",
    maxTokens: 512,
    queryPrefix: RETRIEVAL_INSTRUCTION,
    documentPrefix: "",
    normalize: true,
  },
  {
    id: "Snowflake/snowflake-arctic-embed-m-v1.5",
    aliases: ["snowflake-arctic-embed-m-v1.5", "arctic-embed-m"],
    dimension: 768,
    pooling: "cls",
    maxTokens: 512,
    queryPrefix: RETRIEVAL_INSTRUCTION,
    documentPrefix: "",
    normalize: true,
  },
];

export const DEFAULT_MODEL = "Xenova/all-MiniLM-L6-v2";

/**
 * Weight precisions: fp32 is onnx/model.onnx, q8 is onnx/model_quantized.onnx. q8 is the default:
 * it is the one shipped with papers, indexes about twice as fast, and scores within 0.003 nDCG@10
 * of fp32 on SciFact (README, Retrieval quality).
 */
export const DTYPES = ["fp32", "q8"] as const;
export type Dtype = (typeof DTYPES)[number];
export const DEFAULT_DTYPE: Dtype = "q8";

export function onnxFileName(dtype: Dtype): string {
  return dtype === "q8" ? "model_quantized.onnx" : "model.onnx";
}

/** A built-in model by id or alias (any case), or undefined. */
export function knownModel(name: string): KnownModel | undefined {
  const lower = name.toLowerCase();
  return MODELS.find((m) => m.id.toLowerCase() === lower || m.aliases.some((a) => a.toLowerCase() === lower));
}

/** The facts that decide how a model embeds: what a manifest records and compares. */
const SPEC_KEYS = ["id", "dimension", "pooling", "maxTokens", "queryPrefix", "documentPrefix", "normalize"] as const satisfies readonly (keyof ModelSpec)[];

/** The facts of a spec alone, without aliases. */
export function specFacts(spec: ModelSpec): ModelSpec {
  return Object.fromEntries(SPEC_KEYS.map((k) => [k, spec[k]])) as unknown as ModelSpec;
}

/** Which embedding facts differ between two specs (empty when they embed alike). */
export function specDifferences(a: ModelSpec, b: ModelSpec): string[] {
  return SPEC_KEYS.filter((k) => a[k] !== b[k]).map((k) => `${k} ${JSON.stringify(a[k])} vs ${JSON.stringify(b[k])}`);
}

export function unknownModel(name: string): PapersError {
  const known = MODELS.map((m) => m.aliases[0]).join(", ");
  return new PapersError(
    "UNKNOWN_MODEL",
    `unknown model "${name}": give one of ${known}, a Hugging Face id (org/name), or the path of a sentence-transformers model folder`,
  );
}

export function parseDtype(value: string): Dtype {
  if ((DTYPES as readonly string[]).includes(value)) return value as Dtype;
  throw new PapersError("BAD_OPTION", `unknown dtype "${value}": choose one of ${DTYPES.join(", ")}`);
}
