import { basename, dirname, join } from "node:path";

import { openAtomicFile, writeFileAtomic } from "@autosing/base";
import onnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";

// onnx-proto ships CommonJS; its namespace object is the default export under NodeNext.
const { onnx } = onnxProto;

/** Element types we build graphs with (ONNX TensorProto.DataType values). */
export type OnnxElementType = "float32" | "int64" | "int32" | "bool" | "int8" | "uint8";

const elementTypeCodes: Record<OnnxElementType, number> = {
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** A dimension is a fixed size or a symbolic name (dynamic axis such as `"batch"`). */
export type OnnxDimension = number | string;

/** A float attribute whose value may be integral (a plain `1` would be written as an INT attribute). */
export class OnnxFloatAttribute {
  constructor(readonly value: number) {}
}

export type OnnxAttributeValue = number | number[] | string | Float32Array | OnnxFloatAttribute;

export interface OnnxModelOptions {
  /** Default opset domain version; 17 is the first with LayerNormalization. */
  opsetVersion?: number;
  producerName?: string;
}

/** Where `writeModel` puts large initializers: ONNX external data in a side file. */
export interface OnnxExternalDataOptions {
  /** Initializers of at least this many bytes go to the side file (default 1024); smaller ones stay inline. */
  thresholdBytes?: number;
  /** The side file's name, relative to the model's folder (default `<model file name>.data`). */
  location?: string;
  /** Each tensor starts at a multiple of this many bytes in the side file (default 4096, as onnx writes it, so it can be mapped). */
  alignment?: number;
}

export interface OnnxWriteOptions extends OnnxModelOptions {
  /** Write large initializers to a side file instead of into the model (needed past protobuf's 2 GB, and so a large graph is never held twice). */
  externalData?: OnnxExternalDataOptions;
}

/** What `writeModel` wrote. */
export interface OnnxWrittenModel {
  /** The model file. */
  readonly path: string;
  /** The external data file, when some initializer went there. */
  readonly dataPath?: string;
  /** Bytes of the model file and of the external data file. */
  readonly modelBytes: number;
  readonly dataBytes: number;
}

/**
 * Builds an ONNX ModelProto through the `onnx-proto` message classes (protobufjs), so the
 * serialisation is the maintained schema's, not ours. Node names are generated; inputs,
 * outputs and initializers keep the names given.
 */
export class OnnxGraphBuilder {
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly initializers: OnnxTypes.ITensorProto[] = [];
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private nodeCount = 0;
  private readonly domains = new Set<string>();

  constructor(private readonly graphName: string) {}

  addInput(name: string, elementType: OnnxElementType, shape: readonly OnnxDimension[]): string {
    this.inputs.push(valueInfo(name, elementType, shape));
    return name;
  }

  addOutput(name: string, elementType: OnnxElementType, shape: readonly OnnxDimension[]): string {
    this.outputs.push(valueInfo(name, elementType, shape));
    return name;
  }

  /**
   * Adds a float32 constant (weights) stored in raw little-endian form. The builder copies
   * `values` unless `share` is set: then it keeps a view, which saves a copy of large weights
   * made only for this graph, and the caller must not change them afterwards.
   */
  addInitializer(name: string, values: Float32Array, dims: readonly number[], options: { share?: boolean } = {}): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (expected !== values.length) {
      throw new RangeError(`initializer ${name}: ${values.length} values do not fill shape [${dims.join(", ")}]`);
    }
    const bytes = options.share === true ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength) : new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.initializers.push({ name, dataType: elementTypeCodes.float32, dims: [...dims], rawData: bytes });
    return name;
  }

  /** Adds an int8 constant (quantized weights) stored raw. */
  addInt8Initializer(name: string, values: Int8Array, dims: readonly number[]): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (expected !== values.length) {
      throw new RangeError(`initializer ${name}: ${values.length} values do not fill shape [${dims.join(", ")}]`);
    }
    this.initializers.push({
      name,
      dataType: elementTypeCodes.int8,
      dims: [...dims],
      rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
    });
    return name;
  }

  /** Adds an int64 constant (shapes, indices). */
  addInt64Initializer(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dataType: elementTypeCodes.int64,
      dims: [...dims],
      rawData: new Uint8Array(raw.buffer),
    });
    return name;
  }

  /** Appends a node; returns its output names so calls chain naturally. */
  addNode(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Record<string, OnnxAttributeValue> = {},
    /** Operator set domain, e.g. "com.microsoft" for onnxruntime's contrib operators; default the ONNX domain. */
    domain = "",
  ): string[] {
    if (domain !== "") this.domains.add(domain);
    this.nodes.push({
      opType,
      ...(domain === "" ? {} : { domain }),
      name: `${opType}_${this.nodeCount++}`,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return [...outputs];
  }

  /** Serialises the model to bytes that onnxruntime (or onnx.load) reads. */
  toBytes(options: OnnxModelOptions = {}): Uint8Array {
    return this.encode(this.initializers, options);
  }

  /**
   * Writes the model to `path` atomically. With `externalData`, every initializer of at least
   * `thresholdBytes` is streamed into a side file (ONNX external data: `location`, `offset`,
   * `length`, each tensor aligned) and the model keeps only its name, type and shape, so the
   * weights exist once in memory (in this builder) while the files are written. onnxruntime
   * finds the side file when the model is opened from its path (not from bytes). The side file
   * is complete before the model appears under its name.
   */
  async writeModel(path: string, options: OnnxWriteOptions = {}): Promise<OnnxWrittenModel> {
    const external = options.externalData;
    if (external === undefined) {
      const bytes = this.toBytes(options);
      await writeFileAtomic(path, bytes);
      return { path, modelBytes: bytes.length, dataBytes: 0 };
    }
    const threshold = external.thresholdBytes ?? 1024;
    const alignment = external.alignment ?? 4096;
    const location = external.location ?? `${basename(path)}.data`;
    const dataPath = join(dirname(path), location);
    const data = openAtomicFile(dataPath);
    let offset = 0;
    let initializers: OnnxTypes.ITensorProto[];
    try {
      initializers = this.initializers.map((tensor) => {
        const raw = tensor.rawData;
        if (raw === null || raw === undefined || raw.length < threshold) return tensor;
        const padding = (alignment - (offset % alignment)) % alignment;
        if (padding > 0) data.write(new Uint8Array(padding));
        offset += padding;
        data.write(raw);
        const entry: OnnxTypes.ITensorProto = {
          name: tensor.name ?? null,
          dataType: tensor.dataType ?? null,
          dims: tensor.dims ?? [],
          dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
          externalData: [
            { key: "location", value: location },
            { key: "offset", value: String(offset) },
            { key: "length", value: String(raw.length) },
          ],
        };
        offset += raw.length;
        return entry;
      });
      if (offset === 0) data.abort();
      else data.commit();
    } catch (error) {
      data.abort();
      throw error;
    }
    const bytes = this.encode(initializers, options);
    await writeFileAtomic(path, bytes);
    return offset === 0 ? { path, modelBytes: bytes.length, dataBytes: 0 } : { path, dataPath, modelBytes: bytes.length, dataBytes: offset };
  }

  private encode(initializers: OnnxTypes.ITensorProto[], options: OnnxModelOptions): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      // The name this builder had when it lived in @autosing/nn: exported models stay byte-identical.
      producerName: options.producerName ?? "@autosing/nn",
      // Contrib domains (com.microsoft) have a single version, 1.
      opsetImport: [{ domain: "", version: options.opsetVersion ?? 17 }, ...[...this.domains].map((domain) => ({ domain, version: 1 }))],
      graph: {
        name: this.graphName,
        input: this.inputs,
        output: this.outputs,
        initializer: initializers,
        node: this.nodes,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elementType: OnnxElementType, shape: readonly OnnxDimension[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: elementTypeCodes[elementType],
        shape: { dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: OnnxAttributeValue): OnnxTypes.IAttributeProto {
  const types = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: types.STRING, s: new TextEncoder().encode(value) };
  if (value instanceof OnnxFloatAttribute) return { name, type: types.FLOAT, f: value.value };
  if (value instanceof Float32Array) return { name, type: types.FLOATS, floats: Array.from(value) };
  if (Array.isArray(value)) return { name, type: types.INTS, ints: value };
  return Number.isInteger(value) ? { name, type: types.INT, i: value } : { name, type: types.FLOAT, f: value };
}
