import { mulberry32 } from "@autosing/base";
import type { InferenceSession } from "@autosing/onnx";

import { InvalidAudioParameterError } from "./errors.js";

/** Index of the nearest row of `codebook` ([k, dim]) to `vector`, by squared Euclidean distance. */
export function nearestCode(codebook: Float32Array, norms: Float32Array, k: number, dim: number, vector: Float32Array, offset = 0): number {
  // ‖c − x‖² = ‖c‖² − 2c·x + ‖x‖²; the last term is the same for every c.
  let best = 0;
  let bestScore = Infinity;
  for (let c = 0; c < k; c++) {
    const base = c * dim;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += codebook[base + d]! * vector[offset + d]!;
    const score = norms[c]! - 2 * dot;
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return best;
}

/** Squared norms of each codebook row. */
export function rowNorms(codebook: Float32Array, k: number, dim: number): Float32Array {
  const norms = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += codebook[c * dim + d]! ** 2;
    norms[c] = s;
  }
  return norms;
}

export interface KMeansOptions {
  k: number;
  iterations?: number;
  seed?: number;
}

/** Assigns each of `n` points to its nearest codebook row; returns the codes. */
export type NearestCodes = (points: Float32Array, n: number, codebook: Float32Array, k: number, dim: number) => Promise<Int32Array>;

/** The plain-JS search (one thread, about 1 GFLOP/s). */
export const nearestCodesJs: NearestCodes = (points, n, codebook, k, dim) => Promise.resolve(assignJs(points, n, codebook, k, dim));

/**
 * The same search as one onnxruntime graph (ArgMin of ‖c‖² − 2·X·Cᵀ), which runs the
 * distance matrix product through onnxruntime's GEMM: about two orders of magnitude faster
 * than the JS loop when fitting thousands of codes. Sessions are cached per vector width.
 */
export async function createOnnxNearestCodes(threads?: number): Promise<{ search: NearestCodes; release: () => Promise<void> }> {
  const { OnnxGraphBuilder, float32Tensor, openOnnxSession } = await import("@autosing/onnx");
  const sessions = new Map<number, InferenceSession>();
  const sessionFor = async (dim: number): Promise<InferenceSession> => {
    let session = sessions.get(dim);
    if (session === undefined) {
      const g = new OnnxGraphBuilder("nearest_codes");
      g.addInput("points", "float32", ["n", dim]);
      g.addInput("codebook", "float32", ["k", dim]);
      g.addInput("norms", "float32", ["k"]);
      g.addInitializer("minus_two", new Float32Array([-2]), []);
      g.addNode("Transpose", ["codebook"], ["codebook_t"], { perm: [1, 0] });
      g.addNode("MatMul", ["points", "codebook_t"], ["dots"]);
      g.addNode("Mul", ["dots", "minus_two"], ["scaled"]);
      g.addNode("Add", ["scaled", "norms"], ["scores"]);
      g.addNode("ArgMin", ["scores"], ["codes"], { axis: 1, keepdims: 0 });
      g.addOutput("codes", "int64", ["n"]);
      session = await openOnnxSession(g.toBytes(), threads === undefined ? {} : { threads });
      sessions.set(dim, session);
    }
    return session;
  };
  const search: NearestCodes = async (points, n, codebook, k, dim) => {
    const session = await sessionFor(dim);
    const norms = rowNorms(codebook, k, dim);
    const codes = new Int32Array(n);
    const chunk = 4096; // bounds the n × k score matrix
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      const out = await session.run({
        points: float32Tensor(points.slice(start * dim, (start + rows) * dim), [rows, dim]),
        codebook: float32Tensor(codebook.slice(0, k * dim), [k, dim]),
        norms: float32Tensor(norms, [k]),
      });
      const data = out.codes!.data as BigInt64Array;
      for (let i = 0; i < rows; i++) codes[start + i] = Number(data[i]!);
    }
    return codes;
  };
  const release = async (): Promise<void> => {
    for (const session of sessions.values()) await session.release();
    sessions.clear();
  };
  return { search, release };
}

/**
 * Lloyd's k-means on `n` row vectors of `dim` floats, initialised from distinct random data
 * rows (seeded). Clusters that empty out are re-seeded from the worst-fitted point. When there
 * are fewer points than `k`, the codebook holds every point and repeats them to fill `k` rows,
 * so any code in [0, k) decodes to something seen in training.
 */
interface KMeansState {
  codebook: Float32Array;
  random: () => number;
  /** True when every point became its own centroid (n <= k): no iterations needed. */
  done: boolean;
}

function initialise(points: Float32Array, n: number, dim: number, options: KMeansOptions): KMeansState {
  const { k } = options;
  if (!(Number.isInteger(k) && k >= 1)) throw new InvalidAudioParameterError("k", k, "must be a positive integer");
  if (n === 0) throw new InvalidAudioParameterError("points", 0, "k-means needs at least one training vector");
  const random = mulberry32(options.seed ?? 0);
  const codebook = new Float32Array(k * dim);
  const used = Math.min(k, n);
  // Partial Fisher-Yates: `used` distinct starting points.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < used; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
    codebook.set(points.subarray(order[i]! * dim, order[i]! * dim + dim), i * dim);
  }
  if (used === n) {
    for (let c = used; c < k; c++) codebook.copyWithin(c * dim, (c % used) * dim, (c % used) * dim + dim);
  }
  return { codebook, random, done: used === n };
}

/** One Lloyd update from an assignment; empty clusters are re-seeded (worst-fitted point first). */
function update(state: KMeansState, points: Float32Array, n: number, dim: number, k: number, assign: Int32Array): void {
  const { codebook, random } = state;
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  let worst = 0;
  let worstDistance = -1;
  for (let p = 0; p < n; p++) {
    const c = assign[p]!;
    counts[c]!++;
    let dist = 0;
    for (let d = 0; d < dim; d++) {
      const v = points[p * dim + d]!;
      sums[c * dim + d]! += v;
      dist += (v - codebook[c * dim + d]!) ** 2;
    }
    if (dist > worstDistance) {
      worstDistance = dist;
      worst = p;
    }
  }
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) {
      const p = worstDistance < 0 ? Math.floor(random() * n) : worst;
      codebook.set(points.subarray(p * dim, p * dim + dim), c * dim);
      worstDistance = -1;
      continue;
    }
    for (let d = 0; d < dim; d++) codebook[c * dim + d] = sums[c * dim + d]! / counts[c]!;
  }
}

function assignJs(points: Float32Array, n: number, codebook: Float32Array, k: number, dim: number): Int32Array {
  const norms = rowNorms(codebook, k, dim);
  const codes = new Int32Array(n);
  for (let p = 0; p < n; p++) codes[p] = nearestCode(codebook, norms, k, dim, points, p * dim);
  return codes;
}

/**
 * Lloyd's k-means on `n` row vectors of `dim` floats (synchronous, plain JS), initialised from
 * distinct random data rows (seeded). Clusters that empty out are re-seeded from the
 * worst-fitted point. With fewer points than `k`, the codebook holds every point, repeated to
 * fill `k` rows, so any code in [0, k) decodes to something seen in training.
 */
export function kMeans(points: Float32Array, n: number, dim: number, options: KMeansOptions): Float32Array {
  const state = initialise(points, n, dim, options);
  if (state.done) return state.codebook;
  for (let it = 0; it < (options.iterations ?? 10); it++) update(state, points, n, dim, options.k, assignJs(points, n, state.codebook, options.k, dim));
  return state.codebook;
}

/** `kMeans` with a pluggable (e.g. onnxruntime) nearest-code search; same result up to float rounding. */
export async function kMeansWith(search: NearestCodes, points: Float32Array, n: number, dim: number, options: KMeansOptions): Promise<Float32Array> {
  const state = initialise(points, n, dim, options);
  if (state.done) return state.codebook;
  for (let it = 0; it < (options.iterations ?? 10); it++) update(state, points, n, dim, options.k, await search(points, n, state.codebook, options.k, dim));
  return state.codebook;
}
