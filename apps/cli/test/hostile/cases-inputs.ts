/**
 * Hostile-input cases about input data: damaged and odd audio for every command that reads
 * audio, broken Parquet step tables for every command that reads them, malformed LRC and lyrics.
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { indexTable, writeTable } from "@autosing/parquet-io";

import { ExitCode } from "../../src/index.js";
import type { CaseContext, HostileCase } from "./harness.js";
import { BROKEN_PARQUET, HOSTILE_AUDIO, MALFORMED_LRC, UNUSABLE_LYRICS, toneWav } from "./hostile-files.js";

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function audioCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [kind, audio] of Object.entries(HOSTILE_AUDIO)) {
    const setup = ({ scratch }: CaseContext) => writeFileSync(join(scratch, audio.file), audio.bytes());
    const input = ({ scratch }: CaseContext) => join(scratch, audio.file);
    const code = audio.valid ? ExitCode.success : ExitCode.badInput;
    const culprit = audio.valid ? undefined : new RegExp(escape(audio.file));
    cases.push(
      { name: `codec encode: ${kind}`, setup, code, culprit, args: (c) => ["codec", "encode", input(c), join(c.scratch, "out.tokens.json"), "--codec", c.fx.codec] },
      { name: `codec fit: ${kind}`, setup, code, culprit, args: (c) => ["codec", "fit", input(c), "--out", join(c.scratch, "codec.json"), "--codebook-size", "4", "--iterations", "1"] },
      { name: `align: ${kind}`, setup, code, culprit, args: (c) => ["align", input(c), "--lyrics", c.fx.lyrics] },
    );
    if (!audio.valid) {
      cases.push({
        // With --vocals/--instrumental given, the reference only names the outputs: the stems are what sing decodes.
        name: `sing: ${kind} as the vocals`,
        setup,
        code,
        culprit,
        manyLines: true,
        args: (c) => ["sing", c.fx.wav, ...c.fx.singModels, "--vocals", input(c), "--instrumental", c.fx.wav, "--lyrics", "la la\\nla la", "--length", "1.6", "--output-dir", join(c.scratch, "out")],
      });
    }
  }
  return cases;
}

/** A copy of the corpus's partition 0 with `table` broken. */
function parquetCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [kind, breakTable] of Object.entries(BROKEN_PARQUET)) {
    const empty = kind === "an empty table";
    const broken = (table: string) => async ({ scratch }: CaseContext) => breakTable(join(scratch, "ds"), table);
    const ds = ({ scratch }: CaseContext) => join(scratch, "ds");
    // src_sep reads chunked.parquet (vad_extract's output), and the truth separator truth.parquet before it:
    // give it the corpus's truth, so the chunked table is what fails.
    const brokenChunkedWithTruth = async (c: CaseContext) => {
      await broken("chunked")(c);
      copyFileSync(join(c.fx.corpus, "0", "truth.parquet"), join(c.scratch, "ds", "0", "truth.parquet"));
    };
    const named = empty ? undefined : /index\.parquet/;
    cases.push(
      { name: `process align: index.parquet is ${kind}`, setup: broken("index"), code: empty ? ExitCode.success : ExitCode.badInput, culprit: named, manyLines: true, args: (c) => ["process", "align", ds(c), "0"] },
      { name: `process vad_extract: index.parquet is ${kind}`, setup: broken("index"), code: empty ? ExitCode.success : ExitCode.badInput, culprit: named, manyLines: true, args: (c) => ["process", "vad_extract", ds(c), "0"] },
      {
        name: `process src_sep: chunked.parquet is ${kind}`,
        setup: brokenChunkedWithTruth,
        code: empty ? ExitCode.success : ExitCode.badInput,
        culprit: empty ? undefined : /chunked\.parquet/,
        manyLines: true,
        args: (c) => ["process", "src_sep", ds(c), "0", "--separator", "truth"],
      },
      { name: `codec fit: a dataset whose index.parquet is ${kind}`, setup: broken("index"), code: ExitCode.badInput, culprit: empty ? /ds|no audio|index/ : named, args: (c) => ["codec", "fit", ds(c), "--out", join(c.scratch, "codec.json"), "--codebook-size", "4"] },
      { name: `construct-dataset: chunked.parquet is ${kind}`, setup: broken("chunked"), code: empty ? ExitCode.usage : ExitCode.badInput, culprit: /\.parquet|rows/, args: (c) => ["construct-dataset", ds(c), "1", join(c.scratch, "out"), "--num-out-partitions", "1"] },
      { name: `train: the dataset's main.parquet is ${kind}`, setup: broken("main"), code: ExitCode.badInput, culprit: /main|\.parquet|ds/, args: (c) => ["train", "--task_name", "t2s", "--task_args", '{"size": "micro"}', "--dataset-config", JSON.stringify({ path: ds(c) }), "--checkpoint-dir", join(c.scratch, "ck"), "--output-dir", join(c.scratch, "models")] },
    );
    if (!empty) cases.push({ name: `dataset info: index.parquet is ${kind}`, setup: broken("index"), code: ExitCode.badInput, culprit: named, args: (c) => ["dataset", "info", ds(c)] });
  }
  return cases;
}

/**
 * `<scratch>/ds/0/index.parquet` with a good song and "song-a", whose row is bad: a partition whose
 * every row fails is an error by design (AllRowsFailedError), so the skip policy needs a good row.
 */
function withBadRow(songA: { audio?: Uint8Array; lrc_lyrics?: string; raw_lyrics?: string }) {
  return async ({ scratch, fx }: CaseContext) =>
    writeTable(join(scratch, "ds", "0", "index.parquet"), indexTable, [
      { id: "song-good", audio: readFileSync(fx.wav), raw_lyrics: readFileSync(fx.lyrics, "utf8") },
      { id: "song-a", audio: readFileSync(fx.wav), ...songA },
    ]);
}

function songWithLyrics(lyrics: { lrc_lyrics?: string; raw_lyrics?: string }) {
  return withBadRow(lyrics);
}

function lyricsCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [kind, text] of Object.entries(MALFORMED_LRC)) {
    cases.push(
      { name: `align: LRC with ${kind}`, setup: ({ scratch }) => writeFileSync(join(scratch, "bad.lrc"), text), code: ExitCode.badInput, culprit: /bad\.lrc/, args: (c) => ["align", c.fx.wav, "--lrc", join(c.scratch, "bad.lrc")] },
      { name: `process align: a row's LRC with ${kind}`, setup: songWithLyrics({ lrc_lyrics: text }), code: ExitCode.success, culprit: /song-a/, manyLines: true, args: (c) => ["process", "align", join(c.scratch, "ds"), "0"] },
    );
  }
  for (const [kind, text] of Object.entries(UNUSABLE_LYRICS)) {
    cases.push(
      { name: `align: ${kind}`, setup: ({ scratch }) => writeFileSync(join(scratch, "bad.txt"), text), code: ExitCode.badInput, culprit: /bad\.txt|lyrics/, args: (c) => ["align", c.fx.wav, "--lyrics", join(c.scratch, "bad.txt")] },
      { name: `process align: a row with ${kind}`, setup: songWithLyrics({ raw_lyrics: text }), code: ExitCode.success, culprit: /song-a/, manyLines: true, args: (c) => ["process", "align", join(c.scratch, "ds"), "0"] },
    );
  }
  cases.push(
    {
      name: "process align: right-to-left lyrics",
      setup: songWithLyrics({ raw_lyrics: "مرحبا بالعالم\nשלום עולם\n" }),
      code: ExitCode.success,
      culprit: /song-a/,
      manyLines: true,
      args: (c) => ["process", "align", join(c.scratch, "ds"), "0"],
    },
    {
      name: "sing: 30 KB of lyrics (onnxruntime crashed on them)",
      code: ExitCode.usage,
      culprit: /lyrics/,
      args: (c) => ["sing", c.fx.wav, ...c.fx.singModels, "--vocals", c.fx.wav, "--instrumental", c.fx.wav, "--lyrics", `${"la ".repeat(5000)}\\n${"la ".repeat(5000)}`, "--length", "1.6", "--output-dir", join(c.scratch, "out")],
    },
    {
      name: "process align: a 0.1 s clip",
      setup: (c) => withBadRow({ audio: toneWav(32000, 0.1), raw_lyrics: readFileSync(c.fx.lyrics, "utf8") })(c),
      code: ExitCode.success,
      culprit: /song-a/,
      manyLines: true,
      args: (c) => ["process", "align", join(c.scratch, "ds"), "0"],
    },
    {
      name: "codec decode: a tokens file of random bytes",
      setup: ({ scratch, fx }) => copyFileSync(fx.wav, join(scratch, "tokens.json")),
      code: ExitCode.badInput,
      culprit: /tokens\.json/,
      args: (c) => ["codec", "decode", join(c.scratch, "tokens.json"), join(c.scratch, "out.wav"), "--codec", c.fx.codec],
    },
  );
  return cases;
}

export const INPUT_CASES: readonly HostileCase[] = [...audioCases(), ...parquetCases(), ...lyricsCases()];
