/**
 * The one error base of autosing (STYLE.md: one base class, a stable marker, `isInstance()`).
 *
 * `instanceof` fails when two copies of a package are installed (a nested `node_modules`, a
 * bundled CLI next to a library), so every error carries its lineage under a `Symbol.for`
 * marker: the keys of its class and of every error class above it. `X.isInstance(value)` asks
 * whether X's key is in that lineage, so it narrows per class: `AlignmentShapeError.isInstance`
 * is true for an `AlignmentShapeError` and false for its sibling `ParquetFileError`.
 */

const lineageMarker = Symbol.for("autosing.error.lineage");

/** A constructor of an autosing error class, as `isInstance` sees it through `this`. */
type ErrorClass<T> = abstract new (...args: never[]) => T;

/** What a class contributes to the lineage key: its own name and the scope it inherits. */
interface KeyedClass {
  readonly name: string;
  readonly scope?: string;
}

/**
 * A class's lineage key, `<scope>:<ClassName>`. The scope is a static field that each package
 * sets once on its package error class and every subclass inherits, so two packages may both
 * have a `ConfigError` without one narrowing to the other.
 */
function lineageKey(errorClass: KeyedClass): string {
  return `${errorClass.scope ?? "autosing"}:${errorClass.name}`;
}

/** Base class of every failure an autosing package raises on purpose (bad input, bad model, bad state). */
export class AutosingError extends Error {
  /** The package a class belongs to; each package's error class overrides it (e.g. `"nn"`). */
  static readonly scope: string = "autosing";

  declare readonly [lineageMarker]: readonly string[];

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    // The class name, so stack traces and `String(error)` say which failure it is.
    this.name = new.target.name;
    const lineage: string[] = [];
    for (let current: unknown = new.target; current !== Error && typeof current === "function"; current = Object.getPrototypeOf(current)) {
      lineage.push(lineageKey(current as KeyedClass));
    }
    // Not enumerable: errors serialised to JSON or logged look as they did before.
    Object.defineProperty(this, lineageMarker, { value: Object.freeze(lineage), enumerable: false, writable: false });
  }

  /**
   * True when `value` is an error of this class or of a subclass, also when it was thrown by
   * another copy of the package: `NnError.isInstance(e)` for any nn error, `ModelConfigError.isInstance(e)`
   * only for that kind.
   */
  static isInstance<T>(this: ErrorClass<T>, value: unknown): value is T {
    if (typeof value !== "object" || value === null) return false;
    const lineage = (value as { [lineageMarker]?: unknown })[lineageMarker];
    return Array.isArray(lineage) && lineage.includes(lineageKey(this as unknown as KeyedClass));
  }
}

/** The lineage keys of an error (most specific first), or undefined when it is not an autosing error. */
export function errorLineage(value: unknown): readonly string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const lineage = (value as { [lineageMarker]?: unknown })[lineageMarker];
  return Array.isArray(lineage) ? (lineage as readonly string[]) : undefined;
}
