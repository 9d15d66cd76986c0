import { availableParallelism } from "node:os";
import { PapersError } from "../errors.js";
import { poolTokens, type Embedder } from "./embedder.js";
import { damagedModelFile, hubCacheDir, missingModelFiles, provisionCommand, provisionHint, type ModelLocation } from "./locate.js";
import type { Dtype, ModelSpec } from "./models.js";

const BATCH_SIZE = 32;

type Transformers = typeof import("@huggingface/transformers");
type Tokenizer = Awaited<ReturnType<Transformers["AutoTokenizer"]["from_pretrained"]>>;
type Model = Awaited<ReturnType<Transformers["AutoModel"]["from_pretrained"]>>;

/**
 * Loads a model with transformers.js on onnxruntime-node. Lookup order: the local models folder
 * (--models / PAPERS_MODELS), then the Hugging Face Hub with a per-user cache, unless offline.
 */
export async function loadTransformersEmbedder(
  spec: ModelSpec,
  dtype: Dtype,
  location: ModelLocation,
): Promise<Embedder> {
  // Imported here, not at the top: it takes ~0.5 s, and `papers --help` should not pay for it.
  const transformers = await import("@huggingface/transformers");
  const { env, AutoTokenizer, AutoModel } = transformers;
  env.cacheDir = hubCacheDir();
  const local = location.modelsDir && missingModelFiles(location.modelsDir, spec, dtype).length === 0;
  if (local) {
    env.localModelPath = location.modelsDir!;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
  } else {
    env.allowLocalModels = false;
    env.allowRemoteModels = !location.offline;
  }
  const where = local ? `in ${location.modelsDir}` : location.offline ? "offline" : "from the Hugging Face Hub";
  const reprovision = local ? `provision it again with "${provisionCommand(spec, location.modelsDir!)}"` : provisionHint(spec);
  const damaged = local && damagedModelFile(location.modelsDir!, spec, dtype);
  if (damaged) throw new PapersError("MODEL_BROKEN", `model ${spec.id} (${dtype}) is damaged (${damaged}): ${reprovision}`);

  let tokenizer: Tokenizer;
  let model: Model;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(spec.id);
    model = await AutoModel.from_pretrained(spec.id, {
      dtype,
      device: "cpu",
      // No memory pattern: length-sorted batches give every batch a new shape, and the planned
      // buffers per shape took `papers index` over the whole arXiv set from 1.50 to 2.08 GB peak
      // RSS at the same speed (40 vs 42 docs/s).
      session_options: { intraOpNumThreads: availableParallelism(), enableMemPattern: false },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    if (!local) {
      const searched = location.modelsDir ? `not in ${location.modelsDir} and ` : "";
      throw new PapersError(
        "MODEL_NOT_FOUND",
        `model ${spec.id} (${dtype}) is ${searched}could not be loaded ${where} (${reason}): ${provisionHint(spec)}`,
      );
    }
    throw new PapersError("MODEL_BROKEN", `model ${spec.id} (${dtype}) ${where} could not be loaded (${reason}): ${reprovision}`);
  }
  return new TransformersEmbedder(spec, dtype, tokenizer, model, `${where}: ${reprovision}`);
}

class TransformersEmbedder implements Embedder {
  constructor(
    readonly model: ModelSpec,
    readonly dtype: Dtype,
    private readonly tokenizer: Tokenizer,
    private readonly session: Model,
    /** Where the model came from and how to provision it, for errors. */
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
    const inputs = this.tokenizer(texts, { padding: true, truncation: true, max_length: this.model.maxTokens });
    keepSeparator(inputs.input_ids.data as BigInt64Array, inputs.attention_mask.data as BigInt64Array, inputs.input_ids.dims[1]!, this.model.maxTokens, this.tokenizer.sep_token_id);
    const outputs = await this.session(inputs);
    const hidden = outputs.last_hidden_state;
    const [batch, seq, dim] = hidden.dims as [number, number, number];
    if (dim !== this.model.dimension) {
      // Another model's files under this model's name: its vectors would not fit the index.
      throw new PapersError(
        "MODEL_MISMATCH",
        `model ${this.model.id} (${this.dtype}) gives ${dim}-dimensional vectors, but ${this.model.id} and indexes built with it have ${this.model.dimension}: its files are another model's ${this.source}`,
      );
    }
    return poolTokens(hidden.data as Float32Array, inputs.attention_mask.data, [batch, seq, dim], this.model.pooling);
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }
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
