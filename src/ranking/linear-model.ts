/**
 * A linear classifier trained per request, as arxiv-sanity trains an SVM per tag: logistic
 * regression with class-balanced weights and L2 regularisation, by full-batch gradient descent.
 * Pure functions; features are a dense part (an embedding) and a sparse part (tf-idf).
 */

export interface SparseVector {
  indices: number[];
  values: number[];
}

export interface Example {
  dense: Float32Array;
  sparse: SparseVector;
  positive: boolean;
}

export interface LinearModel {
  dense: Float32Array;
  sparse: Float32Array;
  bias: number;
}

export interface TrainOptions {
  iterations?: number;
  /** L2 penalty on the weights (not the bias). */
  l2?: number;
  learningRate?: number;
}

export function linearScore(model: LinearModel, dense: Float32Array, sparse: SparseVector): number {
  let score = model.bias;
  for (let i = 0; i < dense.length; i++) score += model.dense[i]! * dense[i]!;
  for (let i = 0; i < sparse.indices.length; i++) score += model.sparse[sparse.indices[i]!]! * sparse.values[i]!;
  return score;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Minimises the class-balanced logistic loss (positives and negatives weigh half each, however
 * many there are of each, as a handful of likes face hundreds of negatives) plus l2/2 · |w|².
 * Deterministic: starts from zero weights.
 */
export function trainLogistic(examples: readonly Example[], denseSize: number, sparseSize: number, options: TrainOptions = {}): LinearModel {
  const { iterations = 300, l2 = 1e-3, learningRate = 2 } = options;
  const positives = examples.filter((e) => e.positive).length;
  const negatives = examples.length - positives;
  const model: LinearModel = { dense: new Float32Array(denseSize), sparse: new Float32Array(sparseSize), bias: 0 };
  if (positives === 0 || negatives === 0) return model;
  const weightOf = (e: Example) => (e.positive ? 0.5 / positives : 0.5 / negatives);
  const gradDense = new Float64Array(denseSize);
  const gradSparse = new Float64Array(sparseSize);
  for (let step = 0; step < iterations; step++) {
    gradDense.fill(0);
    gradSparse.fill(0);
    let gradBias = 0;
    for (const example of examples) {
      const y = example.positive ? 1 : 0;
      // d/df of the weighted log loss: weight · (σ(f) − y).
      const g = weightOf(example) * (sigmoid(linearScore(model, example.dense, example.sparse)) - y);
      for (let i = 0; i < denseSize; i++) gradDense[i]! += g * example.dense[i]!;
      const { indices, values } = example.sparse;
      for (let i = 0; i < indices.length; i++) gradSparse[indices[i]!]! += g * values[i]!;
      gradBias += g;
    }
    for (let i = 0; i < denseSize; i++) model.dense[i]! -= learningRate * (gradDense[i]! + l2 * model.dense[i]!);
    for (let i = 0; i < sparseSize; i++) model.sparse[i]! -= learningRate * (gradSparse[i]! + l2 * model.sparse[i]!);
    model.bias -= learningRate * gradBias;
  }
  return model;
}
