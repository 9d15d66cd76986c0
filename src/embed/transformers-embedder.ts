import { availableParallelism } from "node:os";
import { basename, dirname } from "node:path";
import { PapersError } from "../errors.js";
import { phase } from "../phases.js";
import { poolTokens, type Embedder, type EmbedderLoader } from "./embedder.js";
import { hubCacheDir, locateModel, modelFileProblem, provisionHint, type ModelLocation } from "./locate.js";
import { knownModel, type Dtype, type ModelSpec } from "./models.js";
import { readModelFacts } from "./sentence-transformers-config.js";

const BATCH_SIZE = 32;

type Transformers = typeof import("@huggingface/transformers");
type Tokenizer = Awaited<ReturnType<Transformers["AutoTokenizer"]["from_pretrained"]>>;
type Model = Awaited<ReturnType<Transformers["AutoModel"]["from_pretrained"]>>;

/**
 * Models run by transformers.js on onnxruntime-node, found in the order of locate.ts: --models,
 * the user's model cache, the models shipped with papers, then the Hugging Face Hub unless offline.
 */
export function transformersLoader(location: ModelLocation): EmbedderLoader {
  return {
    async describe(name, dtype) {
      const found = locateModel(name, dtype, location);
      const defaults = knownModel(found.id);
      if (found.folder) return { id: found.id, ...readModelFacts(found.folder, defaults) };
      if (defaults) return { id: found.id, ...readModelFacts(hubCacheFolder(found.id), defaults) };
      // A Hub model papers does not know: its config.json gives the dimension.
      const { AutoConfig, env } = await importTransformers();
      env.cacheDir = hubCacheDir();
      await AutoConfig.from_pretrained(found.id).catch((error: unknown) => {
        throw new PapersError("MODEL_NOT_FOUND", `model ${found.id} could not be found on the Hugging Face Hub (${firstLine(error)}): ${provisionHint(found.id, dtype)}`);
      });
      return { id: found.id, ...readModelFacts(hubCacheFolder(found.id)) };
    },
    load: (spec, dtype) => loadTransformersEmbedder(spec, dtype, location),
  };
}

/** Loads one model; its files are checked against provenance.json first when it has one. */
export async function loadTransformersEmbedder(spec: ModelSpec, dtype: Dtype, location: ModelLocation): Promise<Embedder> {
  const found = locateModel(spec.id, dtype, location);
  const { env, AutoTokenizer, AutoModel } = await importTransformers();
  env.cacheDir = hubCacheDir();
  env.allowLocalModels = found.folder !== null;
  env.allowRemoteModels = found.folder === null;
  if (found.folder) env.localModelPath = dirname(found.folder);
  // transformers.js looks a local model up as <localModelPath>/<name>.
  const name = found.folder ? basename(found.folder) : found.id;
  const where = found.folder ? `in ${found.folder}` : "from the Hugging Face Hub";
  const problem = found.folder && modelFileProblem(found.folder, dtype);
  if (problem) throw new PapersError("MODEL_BROKEN", `model ${spec.id} (${dtype}) ${where} is damaged (${problem}): ${provisionHint(spec.id, dtype)}`);

  let tokenizer: Tokenizer;
  let model: Model;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(name);
    model = await AutoModel.from_pretrained(name, {
      dtype,
      device: "cpu",
      // No memory pattern: length-sorted batches give every batch a new shape, and the planned
      // buffers per shape took `papers index` over the whole arXiv set from 1.50 to 2.08 GB peak
      // RSS at the same speed (40 vs 42 docs/s).
      session_options: { intraOpNumThreads: availableParallelism(), enableMemPattern: false },
    });
  } catch (error) {
    // transformers.js's own messages name its internals; the first line says enough.
    const code = found.folder ? "MODEL_BROKEN" : "MODEL_NOT_FOUND";
    throw new PapersError(code, `model ${spec.id} (${dtype}) could not be loaded ${where} (${firstLine(error)}): ${provisionHint(spec.id, dtype)}`);
  }
  return new TransformersEmbedder(spec, dtype, tokenizer, model, where);
}

class TransformersEmbedder implements Embedder {
  constructor(
    readonly model: ModelSpec,
    readonly dtype: Dtype,
    private readonly tokenizer: Tokenizer,
    private readonly session: Model,
    /** Where the model came from, for errors. */
    private readonly source: string,
  ) {}

  async embedDocuments(texts: string[], onProgress?: (done: number) => void): Promise<Float32Array[]> {
    const prefixed = texts.map((t) => this.model.documentPrefix + t);
    // Batching texts of similar length wastes less compute on padding.
    const order = prefixed.map((_, i) => i).sort((a, b) => prefixed[a]!.length - prefixed[b]!.length);
    const vectors = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += BATCH_SIZE) {
      const batch = order.slice(start, start + BATCH_SIZE);
      const embedded = await this.embedBatch(batch.map((i) => prefixed[i]!));
      batch.forEach((i, j) => (vectors[i] = embedded[j]!));
      onProgress?.(Math.min(start + BATCH_SIZE, order.length));
    }
    return vectors;
  }

  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await this.embedQueries([text]);
    return vector!;
  }

  async embedQueries(texts: string[]): Promise<Float32Array[]> {
    return this.embedBatch(texts.map((t) => this.model.queryPrefix + t));
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    const inputs = phase("tokenize", () => {
      const tokens = this.tokenizer(texts, { padding: true, truncation: true, max_length: this.model.maxTokens });
      keepSeparator(tokens.input_ids.data as BigInt64Array, tokens.attention_mask.data as BigInt64Array, tokens.input_ids.dims[1]!, this.model.maxTokens, this.tokenizer.sep_token_id);
      return tokens;
    });
    const outputs = await phase("inference", () => this.session(inputs));
    const hidden = outputs.last_hidden_state;
    const [batch, seq, dim] = hidden.dims as [number, number, number];
    if (dim !== this.model.dimension) {
      // Another model's files under this model's name: its vectors would not fit the index.
      throw new PapersError(
        "MODEL_MISMATCH",
        `model ${this.model.id} (${this.dtype}) ${this.source} gives ${dim}-dimensional vectors, but its config says ${this.model.dimension}: its files are another model's; ${provisionHint(this.model.id, this.dtype)}`,
      );
    }
    return phase("pooling", () => poolTokens(hidden.data as Float32Array, inputs.attention_mask.data, [batch, seq, dim], this.model.pooling));
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
}

/** Imported on first use, not at the top: it takes ~0.5 s, and `papers --help` should not pay for it. */
function importTransformers(): Promise<Transformers> {
  return import("@huggingface/transformers");
}

/** transformers.js keeps a Hub download under <cacheDir>/<id>/. */
function hubCacheFolder(id: string): string {
  return `${hubCacheDir()}/${id}`;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

/**
 * transformers.js truncates a long text to max_length tokens by dropping its closing [SEP];
 * sentence-transformers keeps [SEP] and drops one more word. The model was trained on the latter,
 * and without it long abstracts embed measurably differently (cosine 0.97 instead of 1.0).
 */
export function keepSeparator(
  ids: BigInt64Array,
  mask: BigInt64Array,
  seqLength: number,
  maxTokens: number,
  sepId: number | undefined,
): void {
  if (sepId === undefined || seqLength < maxTokens) return;
  const sep = BigInt(sepId);
  for (let end = seqLength - 1; end < ids.length; end += seqLength) {
    if (mask[end] === 1n && ids[end] !== sep) ids[end] = sep;
  }
}
