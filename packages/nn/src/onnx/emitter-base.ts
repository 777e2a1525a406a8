import { TensorShapeError } from "../errors.js";
import type { StateDict } from "../safetensors.js";
import { OnnxGraphBuilder } from "./graph-builder.js";
import type { OnnxAttributeValue } from "./graph-builder.js";

/** The weight storage of an emitter's linears: float32, or int8 per output column (`int8MatMul`). */
export type EmitterWeightType = "float32" | "int8";

/** Which onnxruntime-specific operators an emitter may use. */
export interface EmitterOperatorOptions {
  /**
   * Emits onnxruntime's com.microsoft operators where they replace several nodes (Gelu,
   * BiasGelu, SkipLayerNormalization): the decoding step is latency-bound by per-node overhead
   * once the weights are read, so fewer nodes is a faster step. The graphs then need
   * onnxruntime (which is what runs them here).
   */
  contribOps?: boolean;
  /**
   * With contribOps, decoder self attention through com.microsoft RotaryEmbedding +
   * MultiHeadAttention (default true); false keeps the decomposed attention (A/B benchmarks).
   */
  fusedAttention?: boolean;
}

/**
 * The bottom layer of `OnnxEmitter`: tensor naming, weight lookup, shared constants and node
 * emission. The layers above (linears, rope, the two attention forms, the decoder stack) build
 * on these; `OnnxEmitter` is the class callers use.
 */
export class OnnxEmitterBase {
  readonly graph: OnnxGraphBuilder;
  private counter = 0;
  private readonly constants = new Map<string, string>();
  /** Nodes and tables built once per graph (rope tables, position ids, masks), by key. */
  private readonly built = new Map<string, unknown>();

  constructor(
    name: string,
    private readonly weights: StateDict,
    /**
     * "int8" stores linear weights as int8 with one float scale per output column and multiplies
     * through DynamicQuantizeLinear + MatMulInteger (fused by onnxruntime into
     * DynamicQuantizeMatMul): a quarter of the bytes read per decoding step, at ~1e-2 relative
     * error. Embedding tables and the unembedding stay float32.
     */
    protected readonly weightType: EmitterWeightType = "float32",
    protected readonly options: EmitterOperatorOptions = {},
  ) {
    this.graph = new OnnxGraphBuilder(name);
  }

  /** The value `build` made for `key` the first time it was asked for: graph pieces shared by every layer. */
  protected once<T>(key: string, build: () => T): T {
    if (this.built.has(key)) return this.built.get(key) as T;
    const value = build();
    this.built.set(key, value);
    return value;
  }

  /** A fresh tensor name. */
  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  weight(name: string): { data: Float32Array; shape: number[] } {
    const tensor = this.weights.get(name);
    if (!tensor) throw new TensorShapeError(name, "is not in the state dict being exported");
    return tensor;
  }

  hasWeight(name: string): boolean {
    return this.weights.has(name);
  }

  /** Adds a float32 initializer under a generated name. */
  constant(hint: string, values: Float32Array, dims: readonly number[]): string {
    return this.graph.addInitializer(this.fresh(hint), values, dims);
  }

  /** Adds (once) an int64 constant such as a shape or axes list. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${values.join(",")}|${dims.join(",")}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.graph.addInt64Initializer(this.fresh("i64"), values, dims);
    this.constants.set(key, name);
    return name;
  }

  /** Adds (once) a float scalar. */
  scalar(value: number): string {
    const key = `f${value}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.graph.addInitializer(this.fresh("f32"), new Float32Array([value]), []);
    this.constants.set(key, name);
    return name;
  }

  op(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttributeValue> = {}, outputName?: string): string {
    const out = outputName ?? this.fresh(opType.toLowerCase());
    this.graph.addNode(opType, inputs, [out], attributes);
    return out;
  }

  /** A com.microsoft (onnxruntime contrib) node; `outputs` names its outputs ("" = optional output left out). */
  contribOp(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, OnnxAttributeValue> = {}, outputNames: Record<number, string> = {}): string[] {
    const names = outputs.map((o, k) => outputNames[k] ?? (o === "" ? "" : this.fresh(`${opType.toLowerCase()}_${o}`)));
    this.graph.addNode(opType, inputs, names, attributes, "com.microsoft");
    return names;
  }

  get contribOps(): boolean {
    return this.options.contribOps ?? false;
  }

  opMulti(opType: string, inputs: readonly string[], outputs: number, attributes: Record<string, number | number[]> = {}): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.graph.addNode(opType, inputs, names, attributes);
    return names;
  }

  /** Size of one axis of x as a 0-d int64 tensor. */
  dimension(x: string, axis: number): string {
    return this.op("Gather", [this.op("Shape", [x]), this.int64([axis], [])], { axis: 0 });
  }

  /** int64 [0, 1, …, length−1] for a 0-d int64 length. */
  range(length: string): string {
    return this.op("Range", [this.int64([0], []), length, this.int64([1], [])]);
  }

  /** Exposes an internal tensor as a graph output under `name`. */
  output(from: string, name: string, shape: readonly (number | string)[]): void {
    this.graph.addNode("Identity", [from], [name]);
    this.graph.addOutput(name, "float32", shape);
  }
}
