import { type BandLayout, bsBandLayout, melBandLayout } from "./band-layout.js";
import type { RoformerCommonConfig, RoformerVariant } from "./config.js";

/**
 * What the graph and the weight check need to know of a RoFormer beyond the shared stack: its
 * bands and where the two upstream files differ. Mel-Band (mel_band_roformer.py): every
 * Transformer ends with its RMSNorm, each band's mask MLP has mask_estimator_depth + 1 linears.
 * BS (bs_roformer.py): Transformers have no output norm (`norm_output=False`), one `final_norm`
 * follows the whole stack, and its MLP has mask_estimator_depth linears.
 */
export interface RoformerArchitecture {
  readonly kind: RoformerVariant["kind"];
  readonly model: RoformerCommonConfig;
  readonly layout: BandLayout;
  /** Mel-Band: `<transformer>.norm.gamma` after each transformer; BS: none. */
  readonly normEachTransformer: boolean;
  /** BS: `final_norm.gamma` before the mask estimators; Mel-Band: none. */
  readonly finalNorm: boolean;
  /** Linears of each band's mask MLP (Tanh between them). */
  readonly maskLinears: number;
}

export function roformerArchitecture(variant: RoformerVariant): RoformerArchitecture {
  if (variant.kind === "mel-band-roformer") {
    const { model } = variant;
    return { kind: variant.kind, model, layout: melBandLayout(model), normEachTransformer: true, finalNorm: false, maskLinears: model.mask_estimator_depth + 1 };
  }
  const { model } = variant;
  return { kind: variant.kind, model, layout: bsBandLayout(model), normEachTransformer: false, finalNorm: true, maskLinears: model.mask_estimator_depth };
}
