import { SafetensorsFormatError } from "./errors.js";

/** One named float32 tensor in row-major order. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** Parameters by upstream `state_dict` key. Insertion order is kept when written. */
export type StateDict = Map<string, NamedTensor>;

/**
 * A tensor as stored in a safetensors file, in the two element types tfjs computes with.
 * Model weights are float32 (`NamedTensor`); training state also holds int32 (step counters,
 * RNG states), which is why the general form exists.
 */
export interface HostTensor {
  dtype: "float32" | "int32";
  shape: number[];
  data: Float32Array | Int32Array;
}

const bytesPerElement: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I8: 1, U8: 1, BOOL: 1 };
const floatDtypes = new Set(["F32", "F16", "BF16", "F64"]);

/**
 * Serialises tensors in the safetensors layout (8-byte little-endian header length, JSON
 * header, raw little-endian data), names in insertion order, with optional string metadata.
 * The header is padded with spaces so the data starts 8-byte aligned, as the format recommends.
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, HostTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const expected = tensor.shape.reduce((a, b) => a * b, 1);
    if (expected !== tensor.data.length) {
      throw new SafetensorsFormatError(name, `${tensor.data.length} values do not fill shape [${tensor.shape.join(", ")}]`);
    }
    header[name] = { dtype: tensor.dtype === "int32" ? "I32" : "F32", shape: tensor.shape, data_offsets: [offset, offset + tensor.data.byteLength] };
    offset += tensor.data.byteLength;
  }
  let headerText = JSON.stringify(header);
  while ((8 + Buffer.byteLength(headerText)) % 8 !== 0) headerText += " ";
  const headerBytes = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors.values()) {
    out.set(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength), position);
    position += tensor.data.byteLength;
  }
  return out;
}

/**
 * Parses a safetensors file. F32, F16, BF16 and F64 become float32 (PyTorch checkpoints are
 * often saved in half precision); I32, I64 (within the int32 range), I8, U8 and BOOL become
 * int32, since tfjs has no 64-bit integers. `source` names the file in errors.
 */
export function decodeSafetensors(bytes: Uint8Array, source = "safetensors"): { tensors: Map<string, HostTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsFormatError(source, `file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) {
    throw new SafetensorsFormatError(source, `header length ${headerLength} exceeds the file size ${bytes.length}`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (error) {
    throw new SafetensorsFormatError(source, `header is not JSON (${(error as Error).message})`);
  }
  // Any JSON parses: null, an array or a number would otherwise fail later as a raw TypeError.
  if (!isRecord(header)) throw new SafetensorsFormatError(source, `header is ${JSON.stringify(header)}, not a JSON object of tensor entries`);
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, HostTensor>();
  let metadata: Record<string, string> = {};
  const entries = Object.entries(header).sort((a, b) => offsetOf(a[1]) - offsetOf(b[1]));
  for (const [name, entry] of entries) {
    if (name === "__metadata__") {
      metadata = entry as Record<string, string>;
      continue;
    }
    const info = (isRecord(entry) ? entry : {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = String(info.dtype);
    const shape = info.shape;
    const offsets = info.data_offsets;
    // Negative or fractional sizes and offsets would reach DataView as a raw RangeError.
    if (!Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2 || ![...shape, ...offsets].every(isCount) || offsets[0] > offsets[1]) {
      throw new SafetensorsFormatError(source, `tensor ${name} has a malformed header entry ${JSON.stringify(entry)}`);
    }
    const size = bytesPerElement[dtype];
    if (size === undefined) throw new SafetensorsFormatError(source, `tensor ${name} has unsupported dtype ${dtype}`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const [begin, end] = offsets as [number, number];
    if (end - begin !== count * size || dataStart + end > bytes.length) {
      throw new SafetensorsFormatError(source, `tensor ${name} data_offsets [${begin}, ${end}] do not fit shape [${(shape as number[]).join(", ")}] of ${dtype}`);
    }
    const raw = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, count * size);
    tensors.set(
      name,
      floatDtypes.has(dtype)
        ? { dtype: "float32", shape: [...(shape as number[])], data: decodeFloats(raw, count, dtype) }
        : { dtype: "int32", shape: [...(shape as number[])], data: decodeInts(raw, count, dtype, `${source}: tensor ${name}`) },
    );
  }
  return { tensors, metadata };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Writes float32 model weights (a `StateDict`) with optional string metadata (we store the model config there too). */
export function writeSafetensors(tensors: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const typed = new Map<string, HostTensor>();
  for (const [name, tensor] of tensors) typed.set(name, { dtype: "float32", shape: tensor.shape, data: tensor.data });
  return encodeSafetensors(typed, metadata);
}

export interface SafetensorsContents {
  tensors: StateDict;
  metadata: Record<string, string>;
}

/** Reads model weights: every tensor must be floating point (F32, F16, BF16 or F64); integer tensors are rejected by name. */
export function readSafetensors(bytes: Uint8Array, source = "safetensors"): SafetensorsContents {
  const decoded = decodeSafetensors(bytes, source);
  const tensors: StateDict = new Map();
  for (const [name, tensor] of decoded.tensors) {
    if (tensor.dtype !== "float32") {
      throw new SafetensorsFormatError(source, `tensor ${name} is an integer tensor; model weights are read from F32, F16, BF16 and F64 only`);
    }
    tensors.set(name, { shape: tensor.shape, data: tensor.data as Float32Array });
  }
  return { tensors, metadata: decoded.metadata };
}

function offsetOf(entry: unknown): number {
  const offsets = (entry as { data_offsets?: unknown } | null)?.data_offsets;
  return Array.isArray(offsets) && typeof offsets[0] === "number" ? offsets[0] : -1;
}

function decodeFloats(view: DataView, count: number, dtype: string): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (dtype === "F32") out[i] = view.getFloat32(i * 4, true);
    else if (dtype === "F64") out[i] = view.getFloat64(i * 8, true);
    else if (dtype === "BF16") out[i] = bf16ToFloat(view.getUint16(i * 2, true));
    else out[i] = f16ToFloat(view.getUint16(i * 2, true));
  }
  return out;
}

function decodeInts(view: DataView, count: number, dtype: string, label: string): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (dtype === "I32") out[i] = view.getInt32(i * 4, true);
    else if (dtype === "I64") {
      const value = view.getBigInt64(i * 8, true);
      if (value > 2147483647n || value < -2147483648n) throw new SafetensorsFormatError(label, `holds ${value}, outside the int32 range tfjs supports`);
      out[i] = Number(value);
    } else if (dtype === "I8") out[i] = view.getInt8(i);
    else out[i] = view.getUint8(i);
  }
  return out;
}

const conversion = new DataView(new ArrayBuffer(4));

function bf16ToFloat(bits: number): number {
  conversion.setUint32(0, bits << 16, true);
  return conversion.getFloat32(0, true);
}

function f16ToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
