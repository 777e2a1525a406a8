/** Random log-softmax rows [frames, classes]. */
export function randomLogProbs(random: () => number, frames: number, classes: number, sharpness = 3): Float32Array {
  const out = new Float32Array(frames * classes);
  for (let t = 0; t < frames; t++) {
    let max = -Infinity;
    const logits: number[] = [];
    for (let c = 0; c < classes; c++) {
      const v = (random() - 0.5) * 2 * sharpness;
      logits.push(v);
      max = Math.max(max, v);
    }
    let sum = 0;
    for (const v of logits) sum += Math.exp(v - max);
    const logSum = max + Math.log(sum);
    for (let c = 0; c < classes; c++) out[t * classes + c] = (logits[c] ?? 0) - logSum;
  }
  return out;
}
