import { PretrainedSourceError } from "../errors.js";
import type { UpstreamTensor } from "../upstream-file.js";
import type { RoformerArchitecture } from "./architecture.js";

/** Every tensor MelBandRoformer's / BSRoformer's state dict holds for a config, with its shape (upstream's module names). */
export function roformerShapes(architecture: RoformerArchitecture): Map<string, number[]> {
  const { model: config, layout } = architecture;
  const shapes = new Map<string, number[]>();
  const { dim, heads, dim_head: dimHead } = config;
  const inner = heads * dimHead;
  const transformer = (prefix: string, depth: number): void => {
    for (let l = 0; l < depth; l++) {
      const attention = `${prefix}.layers.${l}.0`;
      shapes.set(`${attention}.rotary_embed.freqs`, [dimHead / 2]);
      shapes.set(`${attention}.norm.gamma`, [dim]);
      shapes.set(`${attention}.to_qkv.weight`, [3 * inner, dim]);
      shapes.set(`${attention}.to_gates.weight`, [heads, dim]);
      shapes.set(`${attention}.to_gates.bias`, [heads]);
      shapes.set(`${attention}.to_out.0.weight`, [dim, inner]);
      const ff = `${prefix}.layers.${l}.1.net`;
      shapes.set(`${ff}.0.gamma`, [dim]);
      shapes.set(`${ff}.1.weight`, [4 * dim, dim]);
      shapes.set(`${ff}.1.bias`, [4 * dim]);
      shapes.set(`${ff}.4.weight`, [dim, 4 * dim]);
      shapes.set(`${ff}.4.bias`, [dim]);
    }
    if (architecture.normEachTransformer) shapes.set(`${prefix}.norm.gamma`, [dim]);
  };
  for (let d = 0; d < config.depth; d++) {
    transformer(`layers.${d}.0`, config.time_transformer_depth);
    transformer(`layers.${d}.1`, config.freq_transformer_depth);
  }
  if (architecture.finalNorm) shapes.set("final_norm.gamma", [dim]);
  layout.bandInputs.forEach((inputs, b) => {
    shapes.set(`band_split.to_features.${b}.0.gamma`, [inputs]);
    shapes.set(`band_split.to_features.${b}.1.weight`, [dim, inputs]);
    shapes.set(`band_split.to_features.${b}.1.bias`, [dim]);
  });
  const hidden = 4 * dim;
  for (let s = 0; s < config.num_stems; s++) {
    layout.bandInputs.forEach((inputs, b) => {
      const dims = [dim, ...Array<number>(architecture.maskLinears - 1).fill(hidden), 2 * inputs];
      for (let i = 0; i + 1 < dims.length; i++) {
        const linear = `mask_estimators.${s}.to_freqs.${b}.0.${2 * i}`;
        shapes.set(`${linear}.weight`, [dims[i + 1]!, dims[i]!]);
        shapes.set(`${linear}.bias`, [dims[i + 1]!]);
      }
    });
  }
  return shapes;
}

/**
 * The checkpoint's tensors, checked against the shapes the YAML implies before anything is
 * built: a missing key, an extra key or a different shape names the key and says the YAML does
 * not describe these weights.
 */
export class RoformerWeights {
  constructor(
    private readonly tensors: ReadonlyMap<string, UpstreamTensor>,
    private readonly shapes: ReadonlyMap<string, number[]>,
    private readonly checkpointPath: string,
    yamlPath: string,
  ) {
    const mismatch = `; ${yamlPath} does not describe this checkpoint (pass the YAML published with it)`;
    for (const [key, shape] of shapes) {
      const tensor = tensors.get(key);
      if (tensor === undefined) throw new PretrainedSourceError(checkpointPath, `is missing${mismatch}`, key);
      if (tensor.shape.join(",") !== shape.join(",")) throw new PretrainedSourceError(checkpointPath, `has shape [${tensor.shape.join(", ")}], expected [${shape.join(", ")}]${mismatch}`, key);
    }
    for (const key of tensors.keys()) {
      if (!shapes.has(key)) throw new PretrainedSourceError(checkpointPath, `is not a tensor of the network the YAML describes${mismatch}`, key);
    }
  }

  read(key: string): { data: Float32Array; shape: number[] } {
    const tensor = this.tensors.get(key);
    if (tensor === undefined || !this.shapes.has(key)) throw new PretrainedSourceError(this.checkpointPath, "is missing", key);
    return { data: tensor.read(), shape: [...tensor.shape] };
  }

  has(key: string): boolean {
    return this.shapes.has(key);
  }

  get count(): number {
    return this.shapes.size;
  }
}
