import { audioDuration, decodeAudio, firstChannel, resample } from "@autosing/audio-codec";
import { stemTable, stepPath, stoksTable } from "@autosing/parquet-io";
import { SEMANTIC_SAMPLE_RATE, type SemanticTokenizer, encodeChunk } from "@autosing/semantic-tokens";

import { type CommonStepOptions, type StepResult, StepRun, requireInput, shouldSkip, skippedResult, withStepRun } from "./step.js";

export interface StoksOptions extends CommonStepOptions {
  /** The semantic tokenizer (BN-Whisper ONNX, or the default tokenizer). */
  readonly tokenizer: SemanticTokenizer;
}

/**
 * Port of autosing/processing.py: stoks — semantic tokens of the separated vocals (upstream reads
 * the `vocals` table): first channel at 16 kHz, cut (or zero-padded) to 30 s, two 15 s halves of
 * 375 tokens → 750 values per chunk in `stoks.parquet`.
 */
export async function stoks(datasetDir: string, partition: number, options: StoksOptions): Promise<StepResult> {
  const output = stepPath(datasetDir, partition, stoksTable.name);
  if (await shouldSkip([output], options.force)) return skippedResult("stoks", partition, [output]);
  const input = await requireInput("stoks", datasetDir, partition, "vocals", "src_sep");
  const run = new StepRun("stoks", datasetDir, partition, options);
  return withStepRun(run, async () => {
    const { writer } = await run.output(stoksTable);
    for await (const { row, index, total } of run.rows(input, stemTable("vocals"), ["id", "audio"], options.limit)) {
      await run.row(input, index, total, row.id, async () => {
        const source = `${input} row ${index} (id ${row.id})`;
        const audio = await decodeAudio(row.audio, { source });
        const mono = firstChannel(audio, source);
        const audio16k = audio.sampleRate === SEMANTIC_SAMPLE_RATE ? mono : await resample(mono, audio.sampleRate, SEMANTIC_SAMPLE_RATE);
        writer.append([{ id: row.id, values: await encodeChunk(options.tokenizer, audio16k, source) }]);
        run.audioSeconds += audioDuration(audio);
      });
    }
    return run.finish(input, writer.rowCount);
  });
}
