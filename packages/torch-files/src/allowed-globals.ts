import { DTYPE_OBJECTS, STORAGE_DTYPES, type TorchDtype } from "./dtypes.js";
import { PickleGlobal, PickleObject, TorchDtypeValue, describePickleValue, isInert, pickleTuple } from "./pickle-values.js";
import { TorchStorage, TorchTensor } from "./torch-tensor.js";

/** Reports a bad argument where the unpickler stands (the file, the opcode offset). */
export type Fail = (detail: string) => never;

/** A global the restricted unpickler may call: a tensor rebuild function or a plain container. */
export class AllowedCallable {
  constructor(
    readonly qualifiedName: string,
    readonly call: (args: readonly unknown[], fail: Fail) => unknown,
  ) {}
}

/** A storage class such as `torch.FloatStorage`: only ever an argument of a persistent id. */
export class TorchStorageType {
  constructor(
    readonly qualifiedName: string,
    readonly dtype: TorchDtype,
  ) {}
}

/** The most elements one tensor may have: what a JavaScript typed array can index (and far beyond any weight). */
const maxTensorElements = 2 ** 31 - 1;

function argument(args: readonly unknown[], index: number, fn: string, fail: Fail): unknown {
  if (index >= args.length) fail(`${fn} got ${args.length} arguments; it needs at least ${index + 1}`);
  return args[index];
}

function nonNegativeIntegers(value: unknown, what: string, fn: string, fail: Fail): number[] {
  if (!Array.isArray(value)) fail(`${fn}: ${what} must be a tuple of integers, got ${describePickleValue(value)}`);
  return value.map((item: unknown) => nonNegativeInteger(item, what, fn, fail));
}

function nonNegativeInteger(value: unknown, what: string, fn: string, fail: Fail): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) fail(`${fn}: ${what} must be a non-negative integer, got ${describePickleValue(value)}`);
  return value;
}

/**
 * Port of torch/_utils.py `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
 * backward_hooks[, metadata])`: a view of a storage. The view is checked against the storage here,
 * so a read later can only fail on I/O. `requires_grad`, hooks and metadata do not matter for weights.
 */
function rebuildTensor(args: readonly unknown[], fail: Fail, fn: string): TorchTensor {
  const storage = argument(args, 0, fn, fail);
  if (!(storage instanceof TorchStorage)) {
    const hint = isInert(storage) ? " — a global outside the allow-list is never called, so this tensor cannot be rebuilt" : "";
    fail(`${fn} needs a storage as its first argument, got ${describePickleValue(storage)}${hint}`);
  }
  const offset = nonNegativeInteger(argument(args, 1, fn, fail), "storage_offset", fn, fail);
  const shape = nonNegativeIntegers(argument(args, 2, fn, fail), "size", fn, fail);
  const stride = nonNegativeIntegers(argument(args, 3, fn, fail), "stride", fn, fail);
  if (stride.length !== shape.length) fail(`${fn}: size [${shape.join(", ")}] and stride [${stride.join(", ")}] differ in length`);
  let last = offset;
  let empty = false;
  for (let axis = 0; axis < shape.length; axis++) {
    if (shape[axis] === 0) empty = true;
    last += ((shape[axis] as number) - 1) * (stride[axis] as number);
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel > maxTensorElements) fail(`${fn}: size [${shape.join(", ")}] has ${numel} elements, more than the ${maxTensorElements} one array can hold`);
  if (!empty && (last >= storage.numel || !Number.isSafeInteger(last))) {
    fail(`${fn}: a view of size [${shape.join(", ")}], stride [${stride.join(", ")}] at offset ${offset} reaches element ${last} of storage ${storage.key}, which holds ${storage.numel}`);
  }
  return new TorchTensor(storage, offset, shape, stride);
}

/** Port of torch/_utils.py `_rebuild_parameter(data, requires_grad, backward_hooks[, state])`: a Parameter is its data. */
function rebuildParameter(args: readonly unknown[], fail: Fail, fn: string): TorchTensor {
  const data = argument(args, 0, fn, fail);
  if (!(data instanceof TorchTensor)) fail(`${fn} needs a tensor as its first argument, got ${describePickleValue(data)}`);
  return data;
}

/** Port of torch/_tensor.py `_rebuild_from_type_v2(func, new_type, args, state)`: the tensor `func(*args)` builds. */
function rebuildFromType(args: readonly unknown[], fail: Fail, fn: string): unknown {
  const inner = argument(args, 0, fn, fail);
  const innerArgs = argument(args, 2, fn, fail);
  if (!(inner instanceof AllowedCallable)) fail(`${fn} needs a rebuild function as its first argument, got ${describePickleValue(inner)}`);
  if (!Array.isArray(innerArgs)) fail(`${fn} needs an argument tuple as its third argument, got ${describePickleValue(innerArgs)}`);
  const tensor = inner.call(innerArgs, fail);
  if (!(tensor instanceof TorchTensor)) fail(`${fn}: ${inner.qualifiedName} did not build a tensor`);
  return tensor;
}

/** `collections.OrderedDict(...)` / `dict(...)`: a Map, filled from an iterable of pairs when given one. */
function makeDict(args: readonly unknown[], fail: Fail, fn: string): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  const items = args[0];
  if (items === undefined) return out;
  if (items instanceof Map) return new Map(items);
  if (!Array.isArray(items)) fail(`${fn} needs pairs, got ${describePickleValue(items)}`);
  for (const pair of items) {
    if (!Array.isArray(pair) || pair.length !== 2) fail(`${fn} needs (key, value) pairs, got ${describePickleValue(pair)}`);
    out.set(pair[0], pair[1]);
  }
  return out;
}

function sequenceOf(args: readonly unknown[], fail: Fail, fn: string): unknown[] {
  const items = args[0];
  if (items === undefined) return [];
  if (Array.isArray(items)) return [...(items as unknown[])];
  if (items instanceof Set) return [...items];
  if (items instanceof Map) return [...items.keys()];
  return fail(`${fn} needs a sequence, got ${describePickleValue(items)}`);
}

/** `_codecs.encode(text, "latin1")`: how protocol 2 pickles Python 3 `bytes`. */
function encodeBytes(args: readonly unknown[], fail: Fail, fn: string): Uint8Array {
  const text = argument(args, 0, fn, fail);
  const encoding = args[1] ?? "utf-8";
  if (typeof text !== "string") fail(`${fn} needs a string, got ${describePickleValue(text)}`);
  if (encoding === "latin1" || encoding === "latin-1" || encoding === "iso-8859-1") return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  if (encoding === "utf-8" || encoding === "utf8") return new TextEncoder().encode(text);
  return fail(`${fn}: encoding ${JSON.stringify(encoding)} is not one a pickle of bytes uses`);
}

/** copyreg `_reconstructor(cls, base, state)`: protocols 0–1 build class instances with it; the instance stays inert. */
function reconstruct(args: readonly unknown[], fail: Fail, fn: string): unknown {
  const cls = argument(args, 0, fn, fail);
  if (cls instanceof PickleGlobal) return new PickleObject(cls, args.slice(1));
  return fail(`${fn} needs a class, got ${describePickleValue(cls)}`);
}

const callables: Record<string, (args: readonly unknown[], fail: Fail, fn: string) => unknown> = {
  "torch._utils._rebuild_tensor_v2": rebuildTensor,
  "torch._utils._rebuild_tensor": rebuildTensor,
  "torch._utils._rebuild_parameter": rebuildParameter,
  "torch._utils._rebuild_parameter_with_state": rebuildParameter,
  "torch._tensor._rebuild_from_type_v2": rebuildFromType,
  "collections.OrderedDict": makeDict,
  "builtins.dict": makeDict,
  "builtins.list": sequenceOf,
  "builtins.tuple": (args, fail, fn) => pickleTuple(sequenceOf(args, fail, fn)),
  "builtins.set": (args, fail, fn) => new Set(sequenceOf(args, fail, fn)),
  "builtins.frozenset": (args, fail, fn) => new Set(sequenceOf(args, fail, fn)),
  "builtins.bytearray": (args, fail, fn) => (args[0] instanceof Uint8Array ? args[0] : Uint8Array.from(sequenceOf(args, fail, fn) as number[])),
  "_codecs.encode": encodeBytes,
  "copyreg._reconstructor": reconstruct,
  "torch.Size": (args, fail, fn) => pickleTuple(nonNegativeIntegers(args[0] ?? [], "size", fn, fail)),
};

/** Python 2 module names that pickle's compatibility mapping renames (legacy files written by Python 2). */
const python2Modules: Record<string, string> = { __builtin__: "builtins", copy_reg: "copyreg" };

/**
 * Resolves `module.name` against the allow-list: a rebuild function or container constructor, a
 * storage class, a dtype object — or, for anything else, an inert `PickleGlobal`.
 */
export function resolveGlobal(module: string, name: string): AllowedCallable | TorchStorageType | TorchDtypeValue | PickleGlobal {
  const normalized = python2Modules[module] ?? module;
  const qualifiedName = `${normalized}.${name}`;
  const fn = Object.hasOwn(callables, qualifiedName) ? callables[qualifiedName] : undefined;
  if (fn !== undefined) return new AllowedCallable(qualifiedName, (args, fail) => fn(args, fail, qualifiedName));
  if (normalized === "torch" && Object.hasOwn(STORAGE_DTYPES, name)) return new TorchStorageType(qualifiedName, STORAGE_DTYPES[name] as TorchDtype);
  if (normalized === "torch" && Object.hasOwn(DTYPE_OBJECTS, name)) return new TorchDtypeValue(DTYPE_OBJECTS[name] as TorchDtype);
  return new PickleGlobal(module, name);
}

/** The qualified names the allow-list calls (for documentation and tests). */
export const ALLOWED_CALLABLES: readonly string[] = Object.keys(callables);
