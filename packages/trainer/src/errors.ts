import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/trainer` throws. `TrainerError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class TrainerError extends AutosingError {
  static override readonly scope: string = "trainer";
}

/** A hyperparameter, schedule or option is out of range or malformed. */
export class TrainerConfigError extends TrainerError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`invalid ${field} ${JSON.stringify(value)}: ${reason}`);
  }
}

/** No tfjs backend could be initialised. */
export class BackendUnavailableError extends TrainerError {
  constructor(readonly attempts: readonly { backend: string; error: string }[]) {
    super(
      `no TensorFlow.js backend could be initialised (tried ${attempts
        .map((a) => `${a.backend}: ${a.error}`)
        .join("; ")})`,
    );
  }
}

/** A dataset is missing, empty, lacks a column or holds a malformed row. */
export class DatasetError extends TrainerError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`dataset ${path}: ${reason}`);
  }
}

/** A checkpoint or safetensors file cannot be read, or does not match the model. */
export class CheckpointError extends TrainerError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`checkpoint ${path}: ${reason}`);
  }
}

/** The model handed to the trainer breaks the TrainableModel contract. */
export class ModelContractError extends TrainerError {
  constructor(reason: string) {
    super(`model contract: ${reason}`);
  }
}

/**
 * The wasm backend trapped in a training or validation step. tfjs-backend-wasm 4.22 caps its heap
 * at 4 GiB and does not check failed allocations, so an exhausted heap surfaces as a WebAssembly
 * trap ("memory access out of bounds", "table index is out of bounds") in whichever kernel
 * writes first; this names the likely cause and what to change. The backend's memory is not
 * usable afterwards: the process should end.
 */
export class BackendOutOfMemoryError extends TrainerError {
  constructor(
    readonly backend: string,
    readonly phase: "training" | "validation",
    cause: Error,
  ) {
    super(
      (cause.name === "RuntimeError" // a WebAssembly trap
        ? `the ${backend} backend trapped in a ${phase} step (${cause.message}), which is how it reports an exhausted heap (4 GiB at most): `
        : `the ${backend} backend ran out of memory in a ${phase} step (${cause.message}): `) +
        "lower --batch-size, train sm2a on multiscale windows, or install @tensorflow/tfjs-node for a native backend",
      { cause },
    );
  }
}

/**
 * A data-parallel replica (`--replicas N`) failed to start or threw in a step. The run stops with
 * the replica's own message; no checkpoint is written on the way out, so the last one stays intact.
 */
export class ReplicaError extends TrainerError {
  constructor(
    readonly replica: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`replica ${replica}: ${reason}; the run stopped (the last checkpoint is intact: continue with --resume-from it)`, options);
  }
}
