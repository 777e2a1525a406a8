import type { ByteSource } from "./byte-source.js";
import { DTYPE_SIZES, type TorchDtype, halfTable } from "./dtypes.js";
import { TorchFileError } from "./errors.js";

/**
 * One storage of a PyTorch file: `numel` elements of `dtype` at `byteOffset` in the file (a zip
 * entry's data, or a legacy storage record). Tensors that share a storage hold the same object.
 */
export class TorchStorage {
  constructor(
    readonly source: ByteSource,
    /** The storage key in the file (`data/<key>` in a zip archive). */
    readonly key: string,
    readonly dtype: TorchDtype,
    readonly numel: number,
    /** Where element 0 lies in the file; a legacy file's storages get theirs once its key list is read. */
    public byteOffset: number,
  ) {}
}

type RawArray = Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

const rawConstructors: Record<TorchDtype, new (buffer: ArrayBuffer, offset: number, length: number) => RawArray> = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int64: BigInt64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/**
 * A tensor as `torch._utils._rebuild_tensor_v2` describes it: a view (`shape`, `stride`,
 * `storageOffset`, in elements) of a storage. Nothing is read until a `read…` method is called;
 * each read takes only the bytes this view spans from the file (little-endian, as torch writes).
 */
export class TorchTensor {
  /** The dotted key path where the tensor first appears in the file's root, for error messages. */
  path = "";

  constructor(
    readonly storage: TorchStorage,
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}

  get dtype(): TorchDtype {
    return this.storage.dtype;
  }

  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** True when the view is row-major without gaps (a plain `torch.save` of a fresh tensor). */
  get isContiguous(): boolean {
    let expected = 1;
    for (let axis = this.shape.length - 1; axis >= 0; axis--) {
      const size = this.shape[axis] as number;
      if (size !== 1 && this.stride[axis] !== expected) return false;
      expected *= size;
    }
    return true;
  }

  private fail(detail: string): never {
    throw new TorchFileError(this.storage.source.path, detail, this.path === "" ? `storage ${this.storage.key}` : this.path);
  }

  /** The values in their stored type, row-major (float16/bfloat16 as their raw 16-bit patterns). */
  readRaw(): RawArray {
    const size = DTYPE_SIZES[this.dtype];
    const count = this.numel;
    const Raw = rawConstructors[this.dtype];
    if (count === 0) return new Raw(new ArrayBuffer(0), 0, 0);
    const where = this.path === "" ? `storage ${this.storage.key}` : this.path;
    if (this.isContiguous) {
      const out = new Raw(new ArrayBuffer(count * size), 0, count);
      this.storage.source.readInto(this.storage.byteOffset + this.storageOffset * size, new Uint8Array(out.buffer), where);
      return out;
    }
    // A strided view: read the span it covers once, then gather row-major.
    let last = this.storageOffset;
    for (let axis = 0; axis < this.shape.length; axis++) last += ((this.shape[axis] as number) - 1) * (this.stride[axis] as number);
    const spanCount = last - this.storageOffset + 1;
    const span = new Raw(new ArrayBuffer(spanCount * size), 0, spanCount);
    this.storage.source.readInto(this.storage.byteOffset + this.storageOffset * size, new Uint8Array(span.buffer), where);
    const out = new Raw(new ArrayBuffer(count * size), 0, count);
    // 4- and 8-byte elements move as 32-bit words: a quarter of the copies of a byte loop.
    if (size % 4 === 0) gatherWords(new Uint32Array(span.buffer), new Uint32Array(out.buffer), this.shape, this.stride, size / 4);
    else gatherWords(new Uint8Array(span.buffer), new Uint8Array(out.buffer), this.shape, this.stride, size);
    return out;
  }

  /** The values as float32, row-major: float16/bfloat16 widened, float64 and integers converted. */
  readFloat32(): Float32Array {
    if (this.dtype === "float32") return this.readRaw() as Float32Array;
    const raw = this.readRaw();
    const out = new Float32Array(raw.length);
    if (this.dtype === "bfloat16") {
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < raw.length; i++) bits[i] = ((raw as Uint16Array)[i] as number) << 16;
    } else if (this.dtype === "float16") {
      const table = halfTable();
      for (let i = 0; i < raw.length; i++) out[i] = table[(raw as Uint16Array)[i] as number] as number;
    } else {
      for (let i = 0; i < raw.length; i++) out[i] = Number(raw[i]);
    }
    return out;
  }

  /** int64 values as a BigInt64Array (any integer or bool dtype is widened). */
  readInt64(): BigInt64Array {
    if (this.dtype === "int64") return this.readRaw() as BigInt64Array;
    if (!isIntegerDtype(this.dtype)) this.fail(`is ${this.dtype}, not an integer tensor`);
    const raw = this.readRaw();
    const out = new BigInt64Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = BigInt(raw[i] as number);
    return out;
  }

  /** Integer values as an Int32Array; int64 values outside the int32 range are refused. */
  readInt32(): Int32Array {
    if (this.dtype === "int32") return this.readRaw() as Int32Array;
    if (!isIntegerDtype(this.dtype)) this.fail(`is ${this.dtype}, not an integer tensor`);
    const raw = this.readRaw();
    const out = new Int32Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const value = Number(raw[i]);
      if (value !== (value | 0)) this.fail(`holds ${String(raw[i])} at element ${i}, outside the int32 range; read it with readInt64()`);
      out[i] = value;
    }
    return out;
  }
}

/**
 * Copies a strided view row-major, word by word: the innermost axis runs in a tight loop, the
 * outer axes advance like an odometer. `span` starts at the view's first element; strides are in
 * elements of `size` words.
 */
function gatherWords(span: Uint8Array | Uint32Array, out: Uint8Array | Uint32Array, shape: readonly number[], stride: readonly number[], size: number): void {
  const rank = shape.length;
  const inner = shape[rank - 1] as number;
  const innerStep = (stride[rank - 1] as number) * size;
  const rows = out.length / size / inner;
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let rowStart = 0;
  let to = 0;
  for (let row = 0; row < rows; row++) {
    let from = rowStart;
    for (let j = 0; j < inner; j++) {
      for (let b = 0; b < size; b++) out[to++] = span[from + b] as number;
      from += innerStep;
    }
    for (let axis = rank - 2; axis >= 0; axis--) {
      rowStart += (stride[axis] as number) * size;
      if (++(index[axis] as number) < (shape[axis] as number)) break;
      rowStart -= (shape[axis] as number) * (stride[axis] as number) * size;
      index[axis] = 0;
    }
  }
}

function isIntegerDtype(dtype: TorchDtype): boolean {
  return dtype === "int64" || dtype === "int32" || dtype === "int16" || dtype === "int8" || dtype === "uint8" || dtype === "bool";
}
