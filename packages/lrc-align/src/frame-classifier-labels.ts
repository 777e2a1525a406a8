import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";

import { ModelContractError } from "./errors.js";
import { CHARSIU_PHONES, NUM_PHONE_CLASSES, PAD_ID, UNK_ID } from "./phone-set.js";

/** The file `autosing import frame-classifier` writes beside `model.onnx`: class names, index → label. */
export const FRAME_CLASSIFIER_LABELS_FILE = "labels.json";

/** Log-probability given to a charsiu class the model does not have (`[UNK]`, `[PAD]`). */
const ABSENT_LOG_PROB = -1e4;

/** A frame classifier's vocabulary and how its output columns map onto the charsiu order. */
export interface ModelVocabulary {
  /** The model's class names in its output order. */
  readonly labels: readonly string[];
  /** Where the labels came from (a file path), for messages; undefined for the built-in contract. */
  readonly source: string | undefined;
  /** Log-probabilities `[frames, labels.length]` → `[frames, 42]` in charsiu order. */
  toCharsiu(data: Float32Array, frames: number): Float32Array;
}

/** Hugging Face's placeholder names (`LABEL_0`, …) and bare indices name no class. */
const isPlaceholder = (label: string) => /^(LABEL_\d+|<\d+>|\d+)$/.test(label);

/** The charsiu contract itself: 42 classes in charsiu order (or `classes` unnamed ones). */
export function charsiuVocabulary(classes: number = NUM_PHONE_CLASSES, source?: string): ModelVocabulary {
  const labels = classes === NUM_PHONE_CLASSES ? [...CHARSIU_PHONES] : Array.from({ length: classes }, (_, i) => String(i));
  return { labels, source, toCharsiu: (data) => data };
}

/**
 * The vocabulary named by `labels`: placeholder names (`LABEL_0`…) mean the charsiu order and
 * must then number 42; real names are matched to the charsiu phones (case and stress digits
 * ignored), in any order and with extra classes allowed. `[SIL]` and the 39 phones must all be
 * there; `[UNK]` and `[PAD]` may be missing (they then get a negligible probability).
 */
export function vocabularyFromLabels(labels: unknown, source: string): ModelVocabulary {
  if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l): l is string => typeof l === "string")) {
    throw new ModelContractError(`${source} must be a non-empty JSON array of class names (strings), index → label, as \`autosing import frame-classifier\` writes it`);
  }
  if (labels.every(isPlaceholder)) {
    if (labels.length !== NUM_PHONE_CLASSES) {
      throw new ModelContractError(
        `${source} has ${labels.length} unnamed classes (${labels.slice(0, 3).join(", ")}, …); without class names the aligner can only use the ${NUM_PHONE_CLASSES}-class charsiu order. Give the model's phone names (config.json id2label or vocab.json) and re-import it`,
      );
    }
    return charsiuVocabulary(NUM_PHONE_CLASSES, source);
  }
  const normalise = (label: string) => label.trim().toUpperCase().replace(/\d+$/, "");
  const columnOf = new Map<string, number>();
  labels.forEach((label, column) => {
    const key = normalise(label);
    if (!columnOf.has(key)) columnOf.set(key, column);
  });
  const columns = CHARSIU_PHONES.map((phone) => columnOf.get(phone) ?? -1);
  const missing = CHARSIU_PHONES.filter((_, id) => columns[id] === -1 && id !== UNK_ID && id !== PAD_ID);
  if (missing.length > 0) {
    throw new ModelContractError(
      `${source} lacks ${missing.length} of the charsiu phone classes the aligner needs (${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ", …" : ""}); a phoneme frame classifier must name [SIL] and the 39 ARPAbet phones`,
    );
  }
  const identity = labels.length === NUM_PHONE_CLASSES && columns.every((column, id) => column === id);
  if (identity) return { labels: [...labels], source, toCharsiu: (data) => data };
  const classes = labels.length;
  return {
    labels: [...labels],
    source,
    toCharsiu(data, frames) {
      const out = new Float32Array(frames * NUM_PHONE_CLASSES);
      for (let t = 0; t < frames; t++) {
        for (let id = 0; id < NUM_PHONE_CLASSES; id++) {
          const column = columns[id] ?? -1;
          out[t * NUM_PHONE_CLASSES + id] = column < 0 ? ABSENT_LOG_PROB : (data[t * classes + column] ?? ABSENT_LOG_PROB);
        }
      }
      return out;
    },
  };
}

/** The vocabulary in `labels.json` beside a model file, or undefined when there is none. */
export async function readLabelsBeside(modelPath: string): Promise<ModelVocabulary | undefined> {
  const path = join(dirname(modelPath), FRAME_CLASSIFIER_LABELS_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ModelContractError(`cannot read ${path}: ${String(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelContractError(`${path} is not valid JSON (${String(error)}); re-import the model with \`autosing import frame-classifier\``, { cause: error });
  }
  return vocabularyFromLabels(parsed, path);
}
