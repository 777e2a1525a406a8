/**
 * The values the restricted unpickler produces. Python containers map to JavaScript ones: a dict
 * (and an `OrderedDict`) is a `Map` (keys may be numbers or tuples, not only strings), a list an
 * array, a tuple a frozen array, a set a `Set`, `bytes` a `Uint8Array`, an int a number (a
 * `bigint` beyond 2^53), a float a number, None `null`. Tensors are `TorchTensor`s. Everything
 * else is inert: a `PickleGlobal` for a name the allow-list does not hold, and a `PickleObject`
 * for what pickling would have built from it; neither is ever called.
 */

/** A reference to `module.name` that the allow-list does not hold. Never resolved, never called. */
export class PickleGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * What a pickle would have built by calling or instantiating a `PickleGlobal` (REDUCE, NEWOBJ,
 * INST, OBJ), with the arguments and the state (BUILD) and items (APPENDS, SETITEMS) it gave it.
 * A record of the pickle's intent, nothing ran: a Lightning checkpoint's optimizer or a custom
 * class instance comes back as one of these.
 */
export class PickleObject {
  state: unknown = undefined;
  readonly listItems: unknown[] = [];
  readonly dictItems = new Map<unknown, unknown>();

  constructor(
    readonly global: PickleGlobal,
    readonly args: readonly unknown[],
    /** NEWOBJ_EX's keyword arguments, when given. */
    readonly keywordArgs?: unknown,
  ) {}

  get qualifiedName(): string {
    return this.global.qualifiedName;
  }
}

/** A PyTorch dtype object (`torch.float32`…), allowed because tensors and configs may carry one. */
export class TorchDtypeValue {
  constructor(readonly name: string) {}
}

/** A Python tuple: a frozen array, so a consumer can tell it from a list with `Object.isFrozen`. */
export function pickleTuple(items: unknown[]): readonly unknown[] {
  return Object.freeze(items);
}

/** True for a value the unpickler made inert (a placeholder for a global outside the allow-list). */
export function isInert(value: unknown): value is PickleGlobal | PickleObject {
  return value instanceof PickleGlobal || value instanceof PickleObject;
}

/** The name of the global behind a placeholder, or a short description of any other value (for errors). */
export function describePickleValue(value: unknown): string {
  if (value instanceof PickleGlobal) return `the unknown global ${value.qualifiedName}`;
  if (value instanceof PickleObject) return `an object built by the unknown global ${value.qualifiedName}`;
  if (value === null) return "None";
  if (Array.isArray(value)) return Object.isFrozen(value) ? `a tuple of ${value.length}` : `a list of ${value.length}`;
  if (value instanceof Map) return `a dict of ${value.size}`;
  if (value instanceof Uint8Array) return `bytes of length ${value.length}`;
  if (typeof value === "object") return `a ${value.constructor.name}`;
  return `the ${typeof value} ${JSON.stringify(typeof value === "bigint" ? value.toString() : value)}`;
}
