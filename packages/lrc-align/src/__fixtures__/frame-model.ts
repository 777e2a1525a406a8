import { mulberry32 } from "@autosing/base";
import { OnnxGraphBuilder } from "@autosing/onnx";

/**
 * A random-weight model with the charsiu frame-classifier signature: `input_values` f32 [1, N] →
 * `logits` f32 [1, frames, classes] via one strided Conv (kernel 400, stride 160: wav2vec2's
 * receptive field and 10 ms hop, so ≈100 frames/s).
 */
export function randomFrameModel(classes = 42, seed = 5): Uint8Array {
  const random = mulberry32(seed);
  const weight = new Float32Array(classes * 400).map(() => (random() - 0.5) * 0.2);
  const graph = new OnnxGraphBuilder("charsiu_like_frame_classifier");
  graph.addInput("input_values", "float32", [1, "samples"]);
  graph.addInitializer("conv_weight", weight, [classes, 1, 400]);
  graph.addInt64Initializer("axis1", [1]);
  graph.addNode("Unsqueeze", ["input_values", "axis1"], ["audio_1ch"]);
  graph.addNode("Conv", ["audio_1ch", "conv_weight"], ["conv_out"], { kernel_shape: [400], strides: [160] });
  graph.addNode("Transpose", ["conv_out"], ["logits"], { perm: [0, 2, 1] });
  graph.addOutput("logits", "float32", [1, "frames", classes]);
  return graph.toBytes();
}
