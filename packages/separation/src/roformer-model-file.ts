/** The file beside `separator.onnx` that says how to run it (written by `autosing import separator`). */
export const ROFORMER_MODEL_FILE = "roformer.json";
/** The network's ONNX file in an imported separator folder. */
export const ROFORMER_GRAPH_FILE = "separator.onnx";

/** The RoFormer variants `autosing import separator` builds (the fork's mel_band_roformer.py and bs_roformer.py). */
export const ROFORMER_KINDS = ["mel-band-roformer", "bs-roformer"] as const;
export type RoformerKind = (typeof ROFORMER_KINDS)[number];

/**
 * What the RoFormer adapter needs that the ONNX graph does not show: the STFT, the band layout
 * for the scatter-average of the masks and the fork's chunking (`MDXCSeparator.demix`). The graph
 * takes `stft` [batch, bins·channels, frames, 2] and gives `masks` [batch, stems, frames, Σ].
 */
export interface RoformerModelFile {
  /** Which of the fork's RoFormers was imported; both run the same way here (BS-RoFormer's layout is every row once, each bin in one band). */
  readonly kind: RoformerKind;
  readonly sampleRate: number;
  /** 2 for a stereo model (rows of the merged spectrogram are bin·2 + channel), else 1. */
  readonly channels: number;
  readonly nFft: number;
  readonly hopLength: number;
  /** Frames per chunk (`inference.dim_t`): a chunk is hopLength × (dimT − 1) samples. */
  readonly dimT: number;
  /** Stem names in the graph's stem order (`training.target_instrument` alone for a one-stem model, else `training.instruments`). */
  readonly stems: readonly string[];
  /** Rows of the merged spectrogram each mask value belongs to, in the graph's output order (upstream `freq_indices`). */
  readonly freqIndices: readonly number[];
  /** Bands covering each bin (upstream `num_bands_per_freq`), the divisor of the summed masks. */
  readonly bandsPerFreq: readonly number[];
}
