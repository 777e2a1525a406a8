/** A weight matrix [in, out] as int8 with one float scale per output column: weight ≈ quantized · scales[column]. */
export interface Int8ColumnQuantized {
  quantized: Int8Array;
  scales: Float32Array;
}

/**
 * Quantizes W [in, out] symmetrically per output column for `OnnxLinearEmitter.int8MatMul`: each
 * column's scale maps its largest magnitude to 63, and an all-zero column gets scale 1.
 */
export function quantizeInt8PerColumn(weight: Float32Array, inFeatures: number, outFeatures: number): Int8ColumnQuantized {
  const scales = new Float32Array(outFeatures);
  for (let i = 0; i < inFeatures; i++) {
    for (let o = 0; o < outFeatures; o++) scales[o] = Math.max(scales[o] ?? 0, Math.abs(weight[i * outFeatures + o] ?? 0));
  }
  // 7-bit range (±63): x86 U8S8 kernels without VNNI sum pairs of products in saturating int16
  // (pmaddubsw), which overflows with full-range int8 weights (onnxruntime's "reduce_range").
  for (let o = 0; o < outFeatures; o++) scales[o] = (scales[o] ?? 0) > 0 ? (scales[o] ?? 0) / 63 : 1;
  const quantized = new Int8Array(inFeatures * outFeatures);
  for (let i = 0; i < inFeatures; i++) {
    for (let o = 0; o < outFeatures; o++) quantized[i * outFeatures + o] = Math.round((weight[i * outFeatures + o] ?? 0) / (scales[o] ?? 1));
  }
  return { quantized, scales };
}
