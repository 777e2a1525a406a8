/** Which network each processing step takes from `--models <dir>`: the frame classifier and the separator are the front end's (issue #13). */
import type { StepName } from "@autosing/processing";

import type { ModelFlagRow } from "../shared/models-flag.js";
import type { ProcessFlags } from "./process-flags.js";

const CLASSIFIER: ModelFlagRow<ProcessFlags> = {
  need: "frameClassifier",
  key: "fcModel",
  flag: "--fc-model",
  withoutIt: "no frame classifier (the eSpeak DTW aligner and energy-based singing activity, demo-grade)",
};

export const PROCESS_MODEL_ROWS: Readonly<Record<StepName, readonly ModelFlagRow<ProcessFlags>[]>> = {
  align: [CLASSIFIER],
  vad_extract: [CLASSIFIER],
  src_sep: [{ need: "separator", key: "separator", flag: "--separator" }],
  atoks: [{ need: "codec", key: "codec", flag: "--codec" }],
  stoks: [{ need: "tokenizer", key: "tokenizer", flag: "--tokenizer" }],
  artist_embs: [
    { need: "artistModel", key: "embedder", flag: "--embedder" },
    // The codec names the atoks table to read (atoks_vocals_<codec>), as atoks wrote it with the same --models.
    { need: "codec", key: "codec", flag: "--codec", withoutIt: "the atoks table of codec snac_32khz" },
  ],
};
