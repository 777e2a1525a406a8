/**
 * The `Range: bytes=…` header of a request for a whole file held in memory (RFC 9110 §14): one
 * range, or none. A browser's `<audio>` asks for `bytes=0-` first and seeks with later ranges.
 */

export type ByteRange = { readonly start: number; readonly end: number } | "unsatisfiable";

/** The single range asked for (end inclusive), "unsatisfiable" (→ 416), or undefined to send it all. */
export function parseByteRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges or another unit: answering with the whole body is allowed, and simplest.
  if (match === null) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return "unsatisfiable";
  return { start, end };
}
