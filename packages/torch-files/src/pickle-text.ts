/**
 * The text forms of protocol 0 (INT, LONG, STRING, UNICODE lines), parsed as CPython's
 * `pickle._Unpickler` does. torch.save writes protocol 2 and never uses them; Python 2 era
 * pickles and hand-made ones may.
 */

/** A Python int: a number when it is exactly representable, else a bigint. */
export function pythonInt(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** The digits of an INT or LONG line (`123`, `-7L`); undefined when it is not an integer. */
export function parseIntegerLine(line: string): bigint | undefined {
  const digits = line.endsWith("L") ? line.slice(0, -1) : line;
  if (!/^[+-]?\d+$/.test(digits.trim())) return undefined;
  return BigInt(digits.trim());
}

/** The little-endian two's-complement integer of LONG1/LONG4. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  if ((bytes[bytes.length - 1] as number) & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return pythonInt(value);
}

const simpleEscapes: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "0": "\0" };

/** STRING's quoted repr (`'abc\n'`) → its bytes as a latin-1 string; undefined when it is not quoted. */
export function unquoteStringLine(line: string): string | undefined {
  const quote = line[0];
  if (line.length < 2 || (quote !== "'" && quote !== '"') || line[line.length - 1] !== quote) return undefined;
  const body = line.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = body[i + 1] ?? "";
    if (next === "x" && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (Object.hasOwn(simpleEscapes, next)) {
      out += simpleEscapes[next] as string;
      i += 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** UNICODE's raw-unicode-escape line: `\uXXXX` and `\UXXXXXXXX` escapes, other bytes as latin-1. */
export function decodeRawUnicodeEscape(line: string): string {
  return line.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_match, short: string | undefined, long: string | undefined) => {
    const code = Number.parseInt(short ?? long ?? "0", 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : "\ufffd";
  });
}

/** A latin-1 string (one char per byte) → bytes. */
export function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}
