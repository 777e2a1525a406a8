import { PretrainedSourceError } from "../errors.js";
import type { UpstreamTensor } from "../upstream-file.js";
import type { SnacTensorSpec } from "./layout.js";

/** The two key styles of a weight-normed tensor: torch's `weight_norm` hook and the newer parametrization. */
const WEIGHT_NORM_STYLES = [
  { g: "weight_g", v: "weight_v" },
  { g: "parametrizations.weight.original0", v: "parametrizations.weight.original1" },
] as const;

/** What a folded tensor is read from: the source keys of g and v, or the key itself. */
type Source = { kind: "weightNorm"; g: string; v: string } | { kind: "plain"; key: string };

function listed(keys: readonly string[], limit = 12): string {
  const shown = keys.slice(0, limit).join(", ");
  return keys.length > limit ? `${shown} and ${keys.length - limit} more` : shown;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * A SNAC state dict checked against the tensors its config implies and read on demand, with
 * weight norm folded (w = g · v / ‖v‖, the norm over all dims but 0, as torch's
 * `weight_norm(dim=0)`) from either key style. Construction validates everything before a
 * single value is read: all missing and unexpected keys in one error, then the first wrong shape.
 */
export class SnacWeights {
  private readonly sources = new Map<string, { spec: SnacTensorSpec; source: Source }>();

  constructor(
    private readonly tensors: ReadonlyMap<string, UpstreamTensor>,
    specs: readonly SnacTensorSpec[],
    /** The weights file, for errors. */
    private readonly path: string,
    /** The config file, named in hints when keys or shapes disagree with it. */
    configPath: string,
  ) {
    const used = new Set<string>();
    const missing: string[] = [];
    for (const spec of specs) {
      if (!spec.weightNorm) {
        if (tensors.has(spec.key)) used.add(spec.key);
        else missing.push(spec.key);
        this.sources.set(spec.key, { spec, source: { kind: "plain", key: spec.key } });
        continue;
      }
      const prefix = spec.key.slice(0, -"weight".length);
      const style = WEIGHT_NORM_STYLES.find((s) => tensors.has(prefix + s.g) || tensors.has(prefix + s.v)) ?? WEIGHT_NORM_STYLES[0];
      const g = prefix + style.g;
      const v = prefix + style.v;
      for (const key of [g, v]) {
        if (tensors.has(key)) used.add(key);
        else missing.push(key);
      }
      this.sources.set(spec.key, { spec, source: { kind: "weightNorm", g, v } });
    }
    const unexpected = [...tensors.keys()].filter((key) => !used.has(key));
    if (missing.length > 0 || unexpected.length > 0) {
      const parts = [
        ...(missing.length > 0 ? [`missing ${missing.length} key(s): ${listed(missing)}`] : []),
        ...(unexpected.length > 0 ? [`unexpected ${unexpected.length} key(s): ${listed(unexpected)}`] : []),
      ];
      throw new PretrainedSourceError(path, `${parts.join("; ")} — these weights are not the SNAC network ${configPath} describes (check that the config and the weights come from the same model)`, missing[0] ?? unexpected[0]);
    }
    for (const { spec, source } of this.sources.values()) {
      if (source.kind === "plain") {
        this.checkShape(source.key, spec.shape, configPath);
      } else {
        this.checkShape(source.v, spec.shape, configPath);
        this.checkShape(source.g, [spec.shape[0]!, ...spec.shape.slice(1).map(() => 1)], configPath);
      }
    }
  }

  private checkShape(key: string, expected: readonly number[], configPath: string): void {
    const tensor = this.tensors.get(key);
    if (tensor === undefined) return;
    if (!sameShape(tensor.shape, expected)) {
      throw new PretrainedSourceError(this.path, `has shape [${tensor.shape.join(", ")}], but ${configPath} implies [${expected.join(", ")}] (check that the config and the weights come from the same model)`, key);
    }
  }

  /** Keys after folding, in network order. */
  get keys(): string[] {
    return [...this.sources.keys()];
  }

  has(key: string): boolean {
    return this.sources.has(key);
  }

  /** The float32 values of a (folded) tensor. */
  read(key: string): { data: Float32Array; shape: number[] } {
    const entry = this.sources.get(key);
    if (entry === undefined) throw new PretrainedSourceError(this.path, "is not a tensor of this SNAC network", key);
    const { spec, source } = entry;
    const read = (name: string): Float32Array => {
      const values = this.tensors.get(name)!.read();
      if (values.some((x) => !Number.isFinite(x))) throw new PretrainedSourceError(this.path, "holds NaN or infinite values", name);
      return values;
    };
    if (source.kind === "plain") return { data: read(source.key), shape: [...spec.shape] };
    return { data: foldWeightNorm(read(source.g), read(source.v), spec.shape[0]!), shape: [...spec.shape] };
  }
}

/** torch `_weight_norm(v, g, dim=0)`: row o of v (all dims but 0 flattened) scaled by g[o] / ‖v[o]‖. */
export function foldWeightNorm(g: Float32Array, v: Float32Array, rows: number): Float32Array {
  const width = v.length / rows;
  const out = new Float32Array(v.length);
  for (let o = 0; o < rows; o++) {
    let sum = 0;
    for (let i = o * width; i < (o + 1) * width; i++) sum += v[i]! * v[i]!;
    const scale = g[o]! / Math.sqrt(sum);
    for (let i = o * width; i < (o + 1) * width; i++) out[i] = v[i]! * scale;
  }
  return out;
}
