import { PapersError } from "../errors.js";

/**
 * How each supported model turns text into one vector. These facts come from each model's
 * sentence-transformers config (1_Pooling/config.json, sentence_bert_config.json) and model card;
 * getting any of them wrong costs retrieval quality silently, so they live here and nowhere else.
 */
export interface ModelSpec {
  /** Hub id, also the folder path under a models directory (transformers.js layout). */
  id: string;
  /** Short names accepted by --model. */
  aliases: string[];
  dimension: number;
  pooling: "mean" | "cls";
  /** Tokens beyond this are truncated: the length the model was trained at. */
  maxTokens: number;
  /** Prepended to a question before embedding (asymmetric retrieval models need it). */
  queryPrefix: string;
  /** Prepended to a document before embedding. */
  documentPrefix: string;
}

const RETRIEVAL_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

export const MODELS: readonly ModelSpec[] = [
  {
    id: "Xenova/all-MiniLM-L6-v2",
    aliases: ["all-MiniLM-L6-v2", "minilm"],
    dimension: 384,
    pooling: "mean",
    maxTokens: 256,
    queryPrefix: "",
    documentPrefix: "",
  },
  {
    id: "Xenova/all-mpnet-base-v2",
    aliases: ["all-mpnet-base-v2", "mpnet"],
    dimension: 768,
    pooling: "mean",
    maxTokens: 384,
    queryPrefix: "",
    documentPrefix: "",
  },
  {
    id: "Xenova/bge-small-en-v1.5",
    aliases: ["bge-small-en-v1.5", "bge-small"],
    dimension: 384,
    pooling: "cls",
    maxTokens: 512,
    queryPrefix: RETRIEVAL_INSTRUCTION,
    documentPrefix: "",
  },
  {
    id: "Snowflake/snowflake-arctic-embed-m-v1.5",
    aliases: ["snowflake-arctic-embed-m-v1.5", "arctic-embed-m"],
    dimension: 768,
    pooling: "cls",
    maxTokens: 512,
    queryPrefix: RETRIEVAL_INSTRUCTION,
    documentPrefix: "",
  },
];

export const DEFAULT_MODEL = "Xenova/all-MiniLM-L6-v2";

/** Weight precisions we provision: fp32 is onnx/model.onnx, q8 is onnx/model_quantized.onnx. */
export const DTYPES = ["fp32", "q8"] as const;
export type Dtype = (typeof DTYPES)[number];
export const DEFAULT_DTYPE: Dtype = "fp32";

export function onnxFileName(dtype: Dtype): string {
  return dtype === "q8" ? "model_quantized.onnx" : "model.onnx";
}

export function findModel(name: string): ModelSpec {
  const lower = name.toLowerCase();
  const spec = MODELS.find((m) => m.id.toLowerCase() === lower || m.aliases.some((a) => a.toLowerCase() === lower));
  if (!spec) {
    const known = MODELS.map((m) => m.aliases[0]).join(", ");
    throw new PapersError("UNKNOWN_MODEL", `unknown model "${name}": choose one of ${known}`);
  }
  return spec;
}

export function parseDtype(value: string): Dtype {
  if ((DTYPES as readonly string[]).includes(value)) return value as Dtype;
  throw new PapersError("BAD_OPTION", `unknown dtype "${value}": choose one of ${DTYPES.join(", ")}`);
}
