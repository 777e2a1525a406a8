import type { AudioData } from "@autosing/audio-codec";

/** The two stems of a chunk (upstream's `Vocals` and `Instrumental`, stored as vocals / no_vocals). */
export interface SeparatedStems {
  readonly vocals: AudioData;
  readonly instrumental: AudioData;
}

/**
 * The source separator contract: a chunk of a mix in, vocals and instrumental out. Adapters:
 * the MDX-Net ONNX contract of DESIGN.md §5 ({@link loadMdxOnnxSeparator}) and, for synthetic
 * corpora only, the truth oracle ({@link createTruthSeparator}).
 */
export interface SourceSeparator {
  readonly name: string;
  /** `id` is the chunk id (`<song>_at_<second>`); separators that need only audio ignore it. */
  separate(chunk: { readonly id: string; readonly audio: AudioData }): Promise<SeparatedStems>;
  /** Releases native resources (ONNX sessions). */
  dispose(): Promise<void>;
}
