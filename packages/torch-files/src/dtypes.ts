/** The element types a PyTorch storage may hold, by the name `torch.<dtype>` has in Python. */
export type TorchDtype = "float32" | "float64" | "float16" | "bfloat16" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";

/** Bytes per element of each dtype. */
export const DTYPE_SIZES: Readonly<Record<TorchDtype, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/**
 * The storage classes `torch.save` pickles (`torch.FloatStorage`…, kept for backward compatibility
 * by torch 2.x too) and the dtype each stores. `UntypedStorage` holds raw bytes.
 */
export const STORAGE_DTYPES: Readonly<Record<string, TorchDtype>> = {
  FloatStorage: "float32",
  DoubleStorage: "float64",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
  UntypedStorage: "uint8",
};

/** `torch.<name>` dtype objects and the dtype they stand for (torch 2.x pickles them in tensor metadata). */
export const DTYPE_OBJECTS: Readonly<Record<string, TorchDtype>> = {
  float32: "float32",
  float: "float32",
  float64: "float64",
  double: "float64",
  float16: "float16",
  half: "float16",
  bfloat16: "bfloat16",
  int64: "int64",
  long: "int64",
  int32: "int32",
  int: "int32",
  int16: "int16",
  short: "int16",
  int8: "int8",
  uint8: "uint8",
  bool: "bool",
};

/** IEEE half → number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

let halves: Float32Array | undefined;

/** Every float16 bit pattern as float32 (256 KiB, built on first use): widening by lookup. */
export function halfTable(): Float32Array {
  if (halves === undefined) {
    halves = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) halves[bits] = halfToNumber(bits);
  }
  return halves;
}
