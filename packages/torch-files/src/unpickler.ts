import { AllowedCallable, type Fail, resolveGlobal } from "./allowed-globals.js";
import type { ByteSource } from "./byte-source.js";
import { TorchFileError } from "./errors.js";
import { PickleInput } from "./pickle-input.js";
import { decodeLong, decodeRawUnicodeEscape, latin1Bytes, parseIntegerLine, pythonInt, unquoteStringLine } from "./pickle-text.js";
import { PickleGlobal, PickleObject, describePickleValue, pickleTuple } from "./pickle-values.js";
import { TorchTensor } from "./torch-tensor.js";

/** Where one pickle stream lies and how persistent ids (torch storages) resolve. */
export interface UnpickleRequest {
  readonly source: ByteSource;
  readonly start: number;
  readonly end: number;
  /** How errors name the stream: "data.pkl", "legacy pickle 4". */
  readonly label: string;
  /** Resolves a persistent id (BINPERSID / PERSID); without it, a persistent id is an error. */
  readonly persistentLoad?: (pid: unknown, fail: Fail) => unknown;
}

export interface UnpickleResult {
  readonly value: unknown;
  /** Offset in the source just past the STOP opcode (where the next legacy pickle starts). */
  readonly end: number;
}

const opcodeNames: Record<number, string> = {};
for (const [name, code] of Object.entries({
  MARK: "(", STOP: ".", POP: "0", POP_MARK: "1", DUP: "2", FLOAT: "F", INT: "I", BININT: "J", BININT1: "K", LONG: "L",
  BININT2: "M", NONE: "N", PERSID: "P", BINPERSID: "Q", REDUCE: "R", STRING: "S", BINSTRING: "T", SHORT_BINSTRING: "U",
  UNICODE: "V", BINUNICODE: "X", APPEND: "a", BUILD: "b", GLOBAL: "c", DICT: "d", EMPTY_DICT: "}", APPENDS: "e", GET: "g",
  BINGET: "h", INST: "i", LONG_BINGET: "j", LIST: "l", EMPTY_LIST: "]", OBJ: "o", PUT: "p", BINPUT: "q", LONG_BINPUT: "r",
  SETITEM: "s", TUPLE: "t", EMPTY_TUPLE: ")", SETITEMS: "u", BINFLOAT: "G", BINBYTES: "B", SHORT_BINBYTES: "C",
})) opcodeNames[code.charCodeAt(0)] = name;
// Protocols 2–5 number their opcodes from 0x80 on, in this order (pickle.py).
const binaryOpcodes = ["PROTO", "NEWOBJ", "EXT1", "EXT2", "EXT4", "TUPLE1", "TUPLE2", "TUPLE3", "NEWTRUE", "NEWFALSE", "LONG1", "LONG4",
  "SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES8", "EMPTY_SET", "ADDITEMS", "FROZENSET", "NEWOBJ_EX", "STACK_GLOBAL", "MEMOIZE", "FRAME",
  "BYTEARRAY8", "NEXT_BUFFER", "READONLY_BUFFER"];
binaryOpcodes.forEach((name, i) => (opcodeNames[0x80 + i] = name));

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Python-side "call this with these arguments", kept inert unless the callee is allowed. */
function apply(callee: unknown, args: readonly unknown[], fail: Fail, keywordArgs?: unknown): unknown {
  if (callee instanceof AllowedCallable) return callee.call(args, fail);
  if (callee instanceof PickleGlobal) return new PickleObject(callee, args, keywordArgs);
  return fail(`cannot call ${describePickleValue(callee)}`);
}

/**
 * The restricted unpickler: runs one pickle stream (protocols 0–5) as a stack machine over an
 * allow-list (`resolveGlobal`). Nothing outside that list is called: a global is an inert
 * `PickleGlobal`, and what the pickle builds from it a `PickleObject`. Iterative, so deep nesting
 * cannot overflow the call stack; every length is checked against the stream before it is read.
 */
export function unpickle(request: UnpickleRequest): UnpickleResult {
  const input = new PickleInput(request.source, request.start, request.end, request.label);
  let stack: unknown[] = [];
  const metastack: unknown[][] = [];
  const memo = new Map<number, unknown>();
  let opcodeStart = request.start;
  let opcodeName = "";
  const fail: Fail = (detail) => {
    throw new TorchFileError(request.source.path, detail, `${request.label} byte ${opcodeStart - request.start} (${opcodeName})`);
  };
  const pop = (): unknown => (stack.length === 0 ? fail("the pickle stack is empty: the stream is corrupt") : stack.pop());
  const top = (): unknown => (stack.length === 0 ? fail("the pickle stack is empty: the stream is corrupt") : stack[stack.length - 1]);
  const popMark = (): unknown[] => {
    const items = stack;
    const previous = metastack.pop();
    if (previous === undefined) fail("no MARK opened before this opcode: the stream is corrupt");
    stack = previous;
    return items;
  };
  const memoGet = (index: number): unknown => (memo.has(index) ? memo.get(index) : fail(`memo entry ${index} was never stored: the stream is corrupt`));
  const memoPut = (index: number): void => void memo.set(index, top());
  const push = (value: unknown): void => void stack.push(value);
  const text = (bytes: Uint8Array): string => utf8.decode(bytes);
  const persistent = (pid: unknown): void =>
    push(request.persistentLoad === undefined ? fail("a persistent id appears in a pickle that cannot have one") : request.persistentLoad(pid, fail));
  const setItems = (target: unknown, items: unknown[]): void => {
    if (items.length % 2 !== 0) fail("SETITEMS has an odd number of items");
    const map = target instanceof Map ? target : target instanceof PickleObject ? target.dictItems : fail(`cannot set items on ${describePickleValue(target)}`);
    for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
  };
  const appendItems = (target: unknown, items: unknown[]): void => {
    const list = Array.isArray(target) && !Object.isFrozen(target) ? target : target instanceof PickleObject ? target.listItems : fail(`cannot append to ${describePickleValue(target)}`);
    for (const item of items) list.push(item);
  };
  const globalFromLines = (): unknown => {
    const module = input.line();
    const name = input.line();
    return resolveGlobal(module, name);
  };

  for (;;) {
    opcodeStart = input.position;
    const code = input.byte();
    opcodeName = opcodeNames[code] ?? `0x${code.toString(16).padStart(2, "0")}`;
    switch (opcodeName) {
      case "PROTO": {
        const version = input.byte();
        if (version > 5) fail(`pickle protocol ${version} is newer than 5, the highest Python knows`);
        break;
      }
      case "FRAME":
        if (input.uint64() > input.remaining()) fail("a FRAME is longer than the rest of the stream: the file is truncated");
        break;
      case "STOP":
        return { value: pop(), end: input.position };
      case "MARK":
        metastack.push(stack);
        stack = [];
        break;
      case "POP":
        if (stack.length === 0) popMark();
        else stack.pop();
        break;
      case "POP_MARK":
        popMark();
        break;
      case "DUP":
        push(top());
        break;
      case "NONE":
        push(null);
        break;
      case "NEWTRUE":
        push(true);
        break;
      case "NEWFALSE":
        push(false);
        break;
      case "BININT":
        push(input.int32());
        break;
      case "BININT1":
        push(input.byte());
        break;
      case "BININT2":
        push(input.uint16());
        break;
      case "LONG1":
        push(decodeLong(input.bytes(input.byte())));
        break;
      case "LONG4": {
        const length = input.int32();
        if (length < 0) fail("LONG4 has a negative length");
        push(decodeLong(input.bytes(length)));
        break;
      }
      case "INT": {
        const line = input.line();
        if (line === "01" || line === "00") push(line === "01");
        else push(pythonInt(parseIntegerLine(line) ?? fail(`INT ${JSON.stringify(line.slice(0, 40))} is not an integer`)));
        break;
      }
      case "LONG": {
        const line = input.line();
        push(pythonInt(parseIntegerLine(line) ?? fail(`LONG ${JSON.stringify(line.slice(0, 40))} is not an integer`)));
        break;
      }
      case "FLOAT": {
        const line = input.line().trim();
        const value = Number(line);
        if (line === "" || (Number.isNaN(value) && !/^[+-]?nan$/i.test(line))) fail(`FLOAT ${JSON.stringify(line.slice(0, 40))} is not a number`);
        push(value);
        break;
      }
      case "BINFLOAT":
        push(input.float64BigEndian());
        break;
      case "SHORT_BINUNICODE":
        push(text(input.bytes(input.byte())));
        break;
      case "BINUNICODE":
        push(text(input.bytes(input.uint32())));
        break;
      case "BINUNICODE8":
        push(text(input.bytes(input.uint64())));
        break;
      case "UNICODE":
        push(decodeRawUnicodeEscape(input.line()));
        break;
      case "STRING": {
        const quoted = unquoteStringLine(input.line()) ?? fail("STRING is not a quoted string");
        push(text(latin1Bytes(quoted)));
        break;
      }
      case "BINSTRING": {
        const length = input.int32();
        if (length < 0) fail("BINSTRING has a negative length");
        push(text(input.bytes(length)));
        break;
      }
      case "SHORT_BINSTRING":
        push(text(input.bytes(input.byte())));
        break;
      case "SHORT_BINBYTES":
        push(input.bytes(input.byte()).slice());
        break;
      case "BINBYTES":
        push(input.bytes(input.uint32()).slice());
        break;
      case "BINBYTES8":
      case "BYTEARRAY8":
        push(input.bytes(input.uint64()).slice());
        break;
      case "READONLY_BUFFER":
        top();
        break;
      case "EMPTY_TUPLE":
        push(pickleTuple([]));
        break;
      case "TUPLE1":
        push(pickleTuple([pop()]));
        break;
      case "TUPLE2": {
        const second = pop();
        push(pickleTuple([pop(), second]));
        break;
      }
      case "TUPLE3": {
        const third = pop();
        const second = pop();
        push(pickleTuple([pop(), second, third]));
        break;
      }
      case "TUPLE":
        push(pickleTuple(popMark()));
        break;
      case "EMPTY_LIST":
        push([]);
        break;
      case "LIST":
        push(popMark());
        break;
      case "APPEND": {
        const item = pop();
        appendItems(top(), [item]);
        break;
      }
      case "APPENDS": {
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case "EMPTY_DICT":
        push(new Map());
        break;
      case "DICT": {
        const map = new Map();
        setItems(map, popMark());
        push(map);
        break;
      }
      case "SETITEM": {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case "SETITEMS": {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case "EMPTY_SET":
        push(new Set());
        break;
      case "FROZENSET":
        push(new Set(popMark()));
        break;
      case "ADDITEMS": {
        const items = popMark();
        const target = top();
        if (target instanceof Set) items.forEach((item) => target.add(item));
        else if (target instanceof PickleObject) target.listItems.push(...items);
        else fail(`cannot add items to ${describePickleValue(target)}`);
        break;
      }
      case "GET":
        push(memoGet(Number(parseIntegerLine(input.line()) ?? fail("GET needs an integer"))));
        break;
      case "BINGET":
        push(memoGet(input.byte()));
        break;
      case "LONG_BINGET":
        push(memoGet(input.uint32()));
        break;
      case "PUT":
        memoPut(Number(parseIntegerLine(input.line()) ?? fail("PUT needs an integer")));
        break;
      case "BINPUT":
        memoPut(input.byte());
        break;
      case "LONG_BINPUT":
        memoPut(input.uint32());
        break;
      case "MEMOIZE":
        memoPut(memo.size);
        break;
      case "GLOBAL":
        push(globalFromLines());
        break;
      case "STACK_GLOBAL": {
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") fail("STACK_GLOBAL needs a module and a name as strings");
        push(resolveGlobal(module, name));
        break;
      }
      case "REDUCE": {
        const args = pop();
        const callee = pop();
        if (!Array.isArray(args)) fail(`REDUCE needs an argument tuple, got ${describePickleValue(args)}`);
        push(apply(callee, args, fail));
        break;
      }
      case "NEWOBJ":
      case "NEWOBJ_EX": {
        const keywordArgs = opcodeName === "NEWOBJ_EX" ? pop() : undefined;
        const args = pop();
        const cls = pop();
        if (!Array.isArray(args)) fail(`${opcodeName} needs an argument tuple, got ${describePickleValue(args)}`);
        push(apply(cls, args, fail, keywordArgs));
        break;
      }
      case "INST": {
        const cls = globalFromLines();
        push(apply(cls, popMark(), fail));
        break;
      }
      case "OBJ": {
        const [cls, ...args] = popMark();
        push(apply(cls, args, fail));
        break;
      }
      case "BUILD": {
        const state = pop();
        const target = top();
        // An OrderedDict's attributes (a state dict's `_metadata` versions) and a tensor's
        // Python-side state carry nothing a reader of weights needs.
        if (target instanceof PickleObject) target.state = state;
        else if (!(target instanceof Map) && !(target instanceof TorchTensor)) fail(`cannot set state on ${describePickleValue(target)}`);
        break;
      }
      case "BINPERSID":
        persistent(pop());
        break;
      case "PERSID":
        persistent(input.line());
        break;
      case "EXT1":
      case "EXT2":
      case "EXT4":
        fail("extension-registry codes (copyreg.add_extension) are not used by torch.save and are refused");
        break;
      case "NEXT_BUFFER":
        fail("out-of-band buffers (pickle protocol 5 NEXT_BUFFER) are not used by torch.save and are refused");
        break;
      default:
        fail(`unknown pickle opcode 0x${code.toString(16).padStart(2, "0")}: the file is corrupt or not a pickle`);
    }
  }
}

