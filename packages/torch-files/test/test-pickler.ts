/**
 * A small test-only pickler (protocol 2–4 opcodes as CPython's pickler emits them) for property
 * tests: plain values in, pickle bytes out. Tuples are frozen arrays, dicts Maps, like the unpickler's output.
 */
export type Plain = null | boolean | number | bigint | string | Uint8Array | readonly Plain[] | Map<Plain, Plain>;

export function pickleValue(value: Plain, options: { memoize?: boolean } = {}): Uint8Array {
  const out: number[] = [0x80, 4];
  let memoIndex = 0;
  const bytes = (data: ArrayLike<number>) => {
    for (let i = 0; i < data.length; i++) out.push(data[i] as number);
  };
  const u32 = (n: number) => bytes([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
  const memo = () => {
    if (!options.memoize) return;
    out.push(0x94); // MEMOIZE
    memoIndex++;
  };
  const long1 = (v: bigint) => {
    const data: number[] = [];
    let rest = v;
    for (;;) {
      data.push(Number(rest & 0xffn));
      rest >>= 8n;
      const sign = (data[data.length - 1] as number) & 0x80;
      if ((rest === 0n && !sign) || (rest === -1n && sign)) break;
    }
    out.push(0x8a, data.length);
    bytes(data);
  };
  const write = (v: Plain): void => {
    if (v === null) out.push(0x4e);
    else if (v === true) out.push(0x88);
    else if (v === false) out.push(0x89);
    else if (typeof v === "bigint") long1(v);
    else if (typeof v === "number") {
      if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
        if (v >= 0 && v < 256) out.push(0x4b, v);
        else if (v >= -(2 ** 31) && v < 2 ** 31) {
          out.push(0x4a);
          u32(v >>> 0);
        } else long1(BigInt(v));
      } else {
        out.push(0x47);
        const view = new DataView(new ArrayBuffer(8));
        view.setFloat64(0, v, false);
        bytes(new Uint8Array(view.buffer));
      }
    } else if (typeof v === "string") {
      const data = new TextEncoder().encode(v);
      if (data.length < 256) out.push(0x8c, data.length);
      else {
        out.push(0x58);
        u32(data.length);
      }
      bytes(data);
      memo();
    } else if (v instanceof Uint8Array) {
      out.push(0x43, v.length);
      bytes(v);
    } else if (v instanceof Map) {
      out.push(0x7d);
      memo();
      if (v.size > 0) {
        out.push(0x28);
        for (const [key, item] of v) {
          write(key);
          write(item);
        }
        out.push(0x75);
      }
    } else if (Object.isFrozen(v)) {
      out.push(0x28);
      v.forEach(write);
      out.push(0x74);
      memo();
    } else {
      out.push(0x5d);
      memo();
      if (v.length > 0) {
        out.push(0x28);
        v.forEach(write);
        out.push(0x65);
      }
    }
  };
  write(value);
  out.push(0x2e);
  void memoIndex;
  return Uint8Array.from(out);
}
