import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PapersError } from "../errors.js";
import type { ModelSpec } from "./models.js";

type Facts = Omit<ModelSpec, "id">;

/**
 * How a sentence-transformers model folder says to embed: the modules it chains (modules.json),
 * its pooling (1_Pooling/config.json), its maximum length (sentence_bert_config.json), its prompts
 * (config_sentence_transformers.json) and whether it normalises. Facts the folder does not state
 * come from `defaults` (a built-in model's table entry), else from config.json.
 */
export function readModelFacts(folder: string, defaults?: Facts): Facts {
  const modules = readJson<{ type?: string; path?: string }[]>(folder, "modules.json");
  const poolingPath = modules?.find((m) => m.type?.endsWith("Pooling"))?.path ?? "1_Pooling";
  const pooling = readJson<Record<string, unknown>>(folder, join(poolingPath, "config.json"));
  const bert = readJson<{ max_seq_length?: number }>(folder, "sentence_bert_config.json");
  const st = readJson<{ prompts?: Record<string, string>; default_prompt_name?: string | null }>(folder, "config_sentence_transformers.json");
  const config = readJson<{ hidden_size?: number; d_model?: number; max_position_embeddings?: number }>(folder, "config.json");

  const dimension = num(pooling?.word_embedding_dimension) ?? defaults?.dimension ?? num(config?.hidden_size) ?? num(config?.d_model);
  const maxTokens = num(bert?.max_seq_length) ?? defaults?.maxTokens ?? Math.min(512, num(config?.max_position_embeddings) ?? 512);
  if (dimension === undefined) throw broken(folder, "neither 1_Pooling/config.json nor config.json gives the embedding dimension");
  return {
    dimension,
    pooling: pooling ? poolingMode(folder, pooling) : (defaults?.pooling ?? "mean"),
    maxTokens,
    queryPrefix: st?.prompts?.query ?? defaults?.queryPrefix ?? "",
    documentPrefix: st?.prompts?.document ?? st?.prompts?.passage ?? defaults?.documentPrefix ?? "",
    normalize: modules ? modules.some((m) => m.type?.endsWith("Normalize")) : (defaults?.normalize ?? true),
  };
}

function poolingMode(folder: string, config: Record<string, unknown>): ModelSpec["pooling"] {
  const on = Object.entries(config).filter(([k, v]) => k.startsWith("pooling_mode_") && v === true).map(([k]) => k.slice("pooling_mode_".length));
  if (on.length === 1 && on[0] === "mean_tokens") return "mean";
  if (on.length === 1 && on[0] === "cls_token") return "cls";
  if (on.length === 1 && on[0] === "lasttoken") return "lasttoken";
  throw broken(folder, `its pooling (${on.join(" + ") || "none"}) is not one papers supports: mean, cls or lasttoken`);
}

function readJson<T>(folder: string, file: string): T | undefined {
  const path = join(folder, file);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    throw broken(folder, `${file} is not valid JSON`);
  }
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function broken(folder: string, reason: string): PapersError {
  return new PapersError("MODEL_BROKEN", `model folder ${folder} cannot be used: ${reason}`);
}
