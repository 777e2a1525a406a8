// Hostile input: code that would run under Python's pickle stays inert or is refused, and
// malformed files fail as TorchFileError naming the file and where, never as a crash or a hang.
import { copyFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { MemoryByteSource, PickleObject, TorchFileError, openTorchFile, unpickle } from "../src/index.js";
import { expected, fixtures, scratchDir } from "./helpers.js";
import { pickleValue } from "./test-pickler.js";

function unpickleBytes(bytes: Uint8Array): unknown {
  return unpickle({ source: new MemoryByteSource("test.pkl", bytes), start: 0, end: bytes.length, label: "test.pkl" }).value;
}

const latin = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("pickles that would run code", () => {
  it("keeps a posix.system call that is a plain value inert: a placeholder, and nothing ran", () => {
    const file = openTorchFile(join(fixtures, "system-value.pt"));
    const action = (file.root as Map<string, unknown>).get("action") as PickleObject;
    expect(action).toBeInstanceOf(PickleObject);
    expect(action.qualifiedName).toBe("posix.system");
    expect(action.args).toEqual([`touch ${expected.pwned_marker}`]);
    expect(existsSync(expected.pwned_marker)).toBe(false);
    file.close();
  });

  it("refuses os.system where a tensor rebuild needs a storage, naming the global and the opcode offset", () => {
    expect(() => openTorchFile(join(fixtures, "system-tensor.pt"))).toThrow(
      /system-tensor\.pt: archive\/data\.pkl byte \d+ \(REDUCE\): torch\._utils\._rebuild_tensor_v2 needs a storage .* unknown global os\.system/,
    );
    expect(existsSync(expected.pwned_marker)).toBe(false);
  });

  it("refuses a bare pickle calling os.system as not a torch.save file", () => {
    expect(() => openTorchFile(join(fixtures, "system-bare.pkl"))).toThrow(/not a torch\.save file/);
    expect(existsSync(expected.pwned_marker)).toBe(false);
  });

  it("never calls a global even through NEWOBJ, INST, OBJ or BUILD", () => {
    const value = unpickleBytes(latin("(cos\nsystem\nS'ls'\no}bcbuiltins\neval\n(S'1'\ntR\x86."));
    expect(value).toHaveLength(2);
    expect((value as PickleObject[]).every((item) => item instanceof PickleObject)).toBe(true);
  });
});

describe("malformed files", () => {
  const dir = scratchDir();
  const copy = (name: string, as: string) => {
    const path = join(dir, as);
    copyFileSync(join(fixtures, name), path);
    return path;
  };

  it("refuses a truncated zip archive, saying so", () => {
    const path = copy("state-zip.pt", "truncated.pt");
    truncateSync(path, 2000);
    expect(() => openTorchFile(path)).toThrow(/truncated\.pt: zip directory: has no end-of-central-directory record: the archive is truncated/);
  });

  it("refuses a truncated legacy file, naming the storage that runs past the end", () => {
    const path = copy("state-legacy.pt", "truncated-legacy.pt");
    truncateSync(path, readFileSync(path).length - 10);
    expect(() => openTorchFile(path)).toThrow(/truncated-legacy\.pt: storage \d+: .*truncated/);
  });

  it("refuses an archive whose storage member is missing, naming the key", () => {
    const bytes = readFileSync(join(fixtures, "state-zip.pt"));
    const text = bytes.toString("latin1").replaceAll("state-zip/data/3", "state-zip/data/X");
    const path = join(dir, "missing-member.pt");
    writeFileSync(path, Buffer.from(text, "latin1"));
    expect(() => openTorchFile(path)).toThrow(/storage 3 has no member state-zip\/data\/3/);
  });

  it("refuses a file that is neither format, and an empty one", () => {
    const path = join(dir, "text.pt");
    writeFileSync(path, "hello");
    expect(() => openTorchFile(path)).toThrow(/neither a torch\.save zip archive .* nor a pickle/);
    writeFileSync(path, "");
    expect(() => openTorchFile(path)).toThrow(/is empty/);
    expect(() => openTorchFile(join(dir, "absent.pt"))).toThrow(/absent\.pt: cannot be opened/);
  });

  it.each([
    ["an unknown opcode", [0x80, 2, 0xff], /byte 2 \(0xff\): unknown pickle opcode 0xff/],
    ["a memo index never stored", [0x80, 2, 0x68, 7, 0x2e], /memo entry 7 was never stored/],
    ["a huge string length", [0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f, 0x2e], /needs 2147483647 more bytes/],
    ["a stream without STOP", [0x80, 2, 0x4e], /truncated/],
    ["STOP on an empty stack", [0x2e], /stack is empty/],
    ["a tuple without MARK", [0x74, 0x2e], /no MARK/],
    ["a REDUCE on a number", [0x4b, 1, 0x29, 0x52, 0x2e], /cannot call the number 1/],
    ["a persistent id outside a torch file", [0x4e, 0x51, 0x2e], /persistent id appears/],
    ["protocol 9", [0x80, 9], /protocol 9/],
  ])("refuses %s with its offset", (_name, bytes, message) => {
    expect(() => unpickleBytes(Uint8Array.from(bytes))).toThrow(TorchFileError);
    expect(() => unpickleBytes(Uint8Array.from(bytes))).toThrow(message);
  });

  it("survives deep nesting without recursion and self-containing lists", () => {
    const depth = 200_000;
    const deep = new Uint8Array(depth + 2);
    deep.fill(0x28, 0, depth); // MARK × depth: a stack of marks, no recursion
    deep[depth] = 0x4e;
    deep[depth + 1] = 0x2e;
    expect(unpickleBytes(deep)).toBeNull();
    const cyclic = unpickleBytes(Uint8Array.from([0x5d, 0x94, 0x68, 0, 0x61, 0x2e])) as unknown[];
    expect(cyclic[0]).toBe(cyclic);
  });

  it("round-trips a value from the test pickler (sanity check of the property tests' pickler)", () => {
    const value = new Map<string, unknown>([["a", Object.freeze([1, -70000, 2n ** 70n, 0.5, "x", null, true])]]);
    expect(unpickleBytes(pickleValue(value as never))).toEqual(value);
  });
});
