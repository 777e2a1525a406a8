import { DatasetError } from "../errors.js";

/** Concatenates equal-length per-sample arrays into one row-major batch array; unequal lengths are a `DatasetError` naming `what`. */
export function stackSamples<T extends Int32Array | Float32Array>(
  parts: readonly (Int32Array | Uint16Array | Uint8Array | Float32Array)[],
  make: (length: number) => T,
  what: string,
): T {
  const width = parts[0]?.length ?? 0;
  const out = make(parts.length * width);
  parts.forEach((part, i) => {
    if (part.length !== width) throw new DatasetError(what, `samples of one batch differ in length (${width} vs ${part.length})`);
    out.set(part, i * width);
  });
  return out;
}
