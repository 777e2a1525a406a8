/** Token sequences as small heat maps: one pixel per token, one row per codebook level. */
import { rampColor } from "./colormap.js";

/** Draws `values` (rows × columns, row-major) on `canvas`, coloured by value over the largest one. */
export function drawHeatmap(canvas: HTMLCanvasElement, values: ArrayLike<number>, rows: number): void {
  const columns = Math.max(1, Math.floor(values.length / rows));
  let max = 1;
  for (let i = 0; i < values.length; i += 1) max = Math.max(max, values[i]!);
  canvas.width = columns;
  canvas.height = rows;
  const context = canvas.getContext("2d");
  if (context === null) return;
  const image = context.createImageData(columns, rows);
  for (let i = 0; i < rows * columns; i += 1) {
    const [r, g, b] = rampColor((values[i] ?? 0) / max);
    image.data[i * 4] = r;
    image.data[i * 4 + 1] = g;
    image.data[i * 4 + 2] = b;
    image.data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}
