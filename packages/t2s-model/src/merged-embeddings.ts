import type { StateDict } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { t2sDimensions } from "./config.js";
import { T2SModelError } from "./errors.js";

export interface T2SMergedTables {
  /** [ttoks_codes, width]: text bytes to hidden (projected when ttoks_width differs). */
  textIn: Float32Array;
  /** [stoks_codes + 1, width]: semantic main codes (projected) then the special code. */
  semanticIn: Float32Array;
  /** [width, stoks_codes + 1]: unembedding matrix for x·M, logit scale folded in. */
  semanticOut: Float32Array;
  /** [stoks_codes + 1]: unembedding bias (hidden_to_emb bias through main; 0 for special), scaled. */
  semanticOutBias: Float32Array;
  /** Per quantizer [codes + 2, width]: main codes then the shared pad/mask specials. */
  musicIn: Float32Array[];
}

/**
 * Port of whisperspeech/modules.py: FlexEmbeddings.convert_for_eval — folds `emb_to_hidden`
 * into the input tables and `hidden_to_emb` into one output matrix, for the ONNX graphs.
 */
export function mergedEmbeddingTables(config: T2SConfig, tunables: T2STunables, weights: StateDict): T2SMergedTables {
  const dims = t2sDimensions(config, tunables);
  const { width } = dims;
  const get = (name: string): Float32Array => {
    const tensor = weights.get(name);
    if (!tensor) throw new T2SModelError(`weight ${name} is missing from the state dict being exported`);
    return tensor.data;
  };
  const project = (table: Float32Array, rows: number, inner: number, prefix: string): Float32Array => {
    if (inner === width) return table;
    const w = get(`${prefix}.emb_to_hidden.weight`);
    const b = get(`${prefix}.emb_to_hidden.bias`);
    const out = new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < width; o++) {
        let sum = b[o] ?? 0;
        for (let i = 0; i < inner; i++) sum += (table[r * inner + i] ?? 0) * (w[o * inner + i] ?? 0);
        out[r * width + o] = sum;
      }
    }
    return out;
  };
  const textIn = project(get("encoder.embedding.main.weight"), config.ttoks_codes, dims.ttoksWidth, "encoder.embedding");
  const semanticMain = get("embeddings.embedding.main.weight");
  const special = get("embeddings.embedding.special.weight");
  const vocab = config.stoks_codes + 1;
  const semanticIn = new Float32Array(vocab * width);
  semanticIn.set(project(semanticMain, config.stoks_codes, dims.stoksWidth, "embeddings.embedding"));
  semanticIn.set(special, config.stoks_codes * width);

  // logits = h2e(x) · mainᵀ = x · (h2e.W ᵀ mainᵀ) + h2e.b · mainᵀ; specials read x directly.
  const scale = dims.logitScale;
  const semanticOut = new Float32Array(width * vocab);
  const semanticOutBias = new Float32Array(vocab);
  const inner = dims.stoksWidth;
  const projected = inner !== width;
  const h2eW = projected ? get("embeddings.embedding.hidden_to_emb.weight") : undefined;
  const h2eB = projected ? get("embeddings.embedding.hidden_to_emb.bias") : undefined;
  for (let c = 0; c < config.stoks_codes; c++) {
    const row = semanticMain.subarray(c * inner, (c + 1) * inner);
    if (h2eW && h2eB) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let i = 0; i < inner; i++) sum += (row[i] ?? 0) * (h2eW[i * width + x] ?? 0);
        semanticOut[x * vocab + c] = sum * scale;
      }
      let bias = 0;
      for (let i = 0; i < inner; i++) bias += (row[i] ?? 0) * (h2eB[i] ?? 0);
      semanticOutBias[c] = bias * scale;
    } else {
      for (let x = 0; x < width; x++) semanticOut[x * vocab + c] = (row[x] ?? 0) * scale;
    }
  }
  for (let x = 0; x < width; x++) semanticOut[x * vocab + config.stoks_codes] = (special[x] ?? 0) * scale;

  const musicSpecial = get("music_embds.embeddings.0.special.weight");
  const musicIn: Float32Array[] = [];
  for (let q = 0; q < config.quantizers; q++) {
    const table = new Float32Array((config.codes + 2) * width);
    table.set(get(`music_embds.embeddings.${q}.main.weight`));
    table.set(musicSpecial, config.codes * width);
    musicIn.push(table);
  }
  return { textIn, semanticIn, semanticOut, semanticOutBias, musicIn };
}
