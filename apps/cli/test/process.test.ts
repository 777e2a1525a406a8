import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { copyFile, cp, mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DEFAULT_ARTIST_EMBEDDER_TUNABLES, artistEmbedderConfig, artistEmbedderParameterSpecs, writeArtistEmbedderExport } from "@autosing/artist-embedder";
import { decodeAudio, firstChannel, fitDefaultCodec, resample, serializeDefaultCodec } from "@autosing/audio-codec";
import { OnnxGraphBuilder, initializeParameters } from "@autosing/nn";
import { recordModels } from "@autosing/pretrained";
import { chunkedTable, indexTable, readTable, stepPath, stoksTable, writeTable } from "@autosing/parquet-io";
import { fitDefaultTokenizer, serializeDefaultTokenizer } from "@autosing/semantic-tokens";
import { writeTestCorpus } from "@autosing/song-corpus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "autosing-process-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dataset = join(dir, "dataset");
const codecFile = join(dir, "codec.json");
const tokenizerFile = join(dir, "tokenizer.json");
const embedderDir = join(dir, "embedder");

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  await mkdir(dataset, { recursive: true });
  await writeTestCorpus(dataset, { songs: 2, seconds: 10, seed: 7 });
  const rows = await readTable(stepPath(dataset, 0, "index"), indexTable, { columns: ["audio"] });
  const clips = await Promise.all(rows.map(async (row) => firstChannel(await decodeAudio(row.audio))));
  const codec = await fitDefaultCodec(clips, { config: { codebookSize: 32 }, iterations: 3, seed: 1, search: "js", maxTrainingVectors: 4000 });
  writeFileSync(codecFile, await serializeDefaultCodec(codec, "json"));
  const clips16k = await Promise.all(clips.map((clip) => resample(clip, 32000, 16000)));
  writeFileSync(tokenizerFile, serializeDefaultTokenizer(fitDefaultTokenizer(clips16k, { codes: 32, iterations: 3, seed: 1 })));
  // 4 s chunks give 320 codec frames: 3 windows of 104 fit.
  const config = artistEmbedderConfig(2, { depth: 1, n_head: 2, head_width: 8, ctx_n: 104 });
  const tunables = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES };
  await writeArtistEmbedderExport({ config, tunables, weights: initializeParameters(artistEmbedderParameterSpecs(config, tunables), 3) }, embedderDir);
});

describe("autosing process", () => {
  it("runs every step on a partition, skips what exists, and feeds construct-dataset", async () => {
    const aligned = await cli("process", "align", dataset, "0");
    expect(aligned.stderr).toBe("");
    expect(aligned.code).toBe(0);
    expect(aligned.stdout).toMatch(/^align partition 0: 2 rows in → 2 rows in alignment\.parquet, 0 skipped, [\d.]+ s of audio in [\d.]+ s \([\d.]+× real time\)$/m);

    const again = await cli("process", "align", dataset, "0");
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("align partition 0: alignment.parquet exists; skipped (--force recomputes)\n");

    const chunked = await cli("process", "vad_extract", dataset, "0", "--chunk-length", "4", "--min-occupancy", "0.5");
    expect(chunked.stderr).toBe("");
    expect(chunked.stdout).toMatch(/^vad_extract partition 0: 2 rows in → \d+ rows in chunked\.parquet/m);
    const chunks = await readTable(stepPath(dataset, 0, "chunked"), chunkedTable, { columns: ["id"] });
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    for (const chunk of chunks) expect(chunk.id).toMatch(/^synth-7-0000[01]_at_\d+$/);

    const noSeparator = await cli("process", "src_sep", dataset, "0");
    expect(noSeparator.code).toBe(ExitCode.usage);
    expect(noSeparator.stderr).toMatch(/--separator truth/);
    const separated = await cli("process", "src_sep", dataset, "0", "--separator", "truth");
    expect(separated.stderr).toBe("");
    expect(separated.stdout).toMatch(/src_sep partition 0: \d+ rows in → \d+ rows in vocals\.parquet, no_vocals\.parquet, 0 skipped/);

    const tokens = await cli("process", "atoks", dataset, "0", "--codec", `default:${codecFile}`);
    expect(tokens.stderr).toBe("");
    expect(tokens.stdout).toMatch(/atoks partition 0: .* atoks_vocals_default\.parquet/);
    expect(tokens.stdout).toMatch(/atoks partition 0: .* atoks_no_vocals_default\.parquet/);

    const semantic = await cli("process", "stoks", dataset, "0", "--tokenizer", `default:${tokenizerFile}`);
    expect(semantic.stderr).toBe("");
    for (const row of await readTable(stepPath(dataset, 0, "stoks"), stoksTable)) expect(row.values.length).toBe(750);

    const noEmbedder = await cli("process", "artist_embs", dataset, "0", "--codec", "default");
    expect(noEmbedder.code).toBe(ExitCode.usage);
    expect(noEmbedder.stderr).toMatch(/autosing train --task_name artist_emb/);
    const embs = await cli("process", "artist_embs", dataset, "0", "--codec", `default:${codecFile}`, "--embedder", embedderDir);
    expect(embs.stderr).toBe("");
    expect(embs.stdout).toMatch(/artist_embs partition 0: \d+ rows in → \d+ rows in artist_embs\.parquet, 0 skipped/);

    const lacking = await cli("process", "missing", dataset, "stoks", "--total", "3");
    expect(lacking.stdout).toBe("1\n2\n");
    expect((await cli("process", "missing", dataset, "artist_embs")).stdout).toBe("");
    const nothingLeft = await cli("process", "stoks", dataset, "0", "--complete-missing", "--tokenizer", `default:${tokenizerFile}`);
    expect(nothingLeft.code).toBe(0);
    expect(nothingLeft.stdout).toBe("stoks: no missing partition at index 0 (0 missing in all)\n");

    const built = await cli("construct-dataset", dataset, "1", join(dir, "out"), "--num-out-partitions", "1", "--codec", "default");
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/\d+ rows/);
  });

  it("reports a bad row with its file, row and id and keeps the others", async () => {
    const rows = await readTable(stepPath(dataset, 0, "index"), indexTable);
    const bad = join(dir, "bad");
    await mkdir(join(bad, "0"), { recursive: true });
    await writeTable(stepPath(bad, 0, "index"), indexTable, [{ ...rows[0]!, audio: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }, rows[1]!]);
    const run = await cli("process", "vad_extract", bad, "0", "--chunk-length", "4", "--min-occupancy", "0.5");
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`skipped row 0 (id ${rows[0]!.id}) of ${stepPath(bad, 0, "index")}:`);
    expect(run.stdout).toMatch(/2 rows in → \d+ rows in chunked\.parquet, 1 skipped/);

    // Lyrics that cannot be aligned are a skipped row too, not a null alignment with success.
    const lyrics = join(dir, "bad-lyrics");
    await mkdir(join(lyrics, "0"), { recursive: true });
    await writeTable(stepPath(lyrics, 0, "index"), indexTable, [{ ...rows[0]!, lrc_lyrics: "[00:01.00] hello\n[00:0x.00 world" }, rows[1]!]);
    const aligned = await cli("process", "align", lyrics, "0");
    expect(aligned.code).toBe(0);
    expect(aligned.stderr).toMatch(new RegExp(`^autosing process align: skipped row 0 \\(id ${rows[0]!.id}\\) of .*index\\.parquet: LrcParseError: LRC line 2: malformed time stamp`));
    expect(aligned.stdout).toMatch(/2 rows in → 1 rows in alignment\.parquet, 1 skipped/);

    // --complete-missing: index 0 of the partitions still lacking chunked.parquet is partition 1.
    await mkdir(join(bad, "1"), { recursive: true });
    await writeTable(stepPath(bad, 1, "index"), indexTable, [rows[1]!]);
    const next = await cli("process", "vad_extract", bad, "0", "--complete-missing", "--chunk-length", "4", "--min-occupancy", "0.5");
    expect(next.stderr).toBe("");
    expect(next.stdout).toMatch(/^vad_extract partition 1: 1 rows in → \d+ rows in chunked\.parquet, 0 skipped/);
  });

  it("--strict fails a partition with a bad row and writes nothing; limits make a song a bad row; --progress prints rows/s", async () => {
    const rows = await readTable(stepPath(dataset, 0, "index"), indexTable);
    const bad = join(dir, "strict");
    await mkdir(join(bad, "0"), { recursive: true });
    await writeTable(stepPath(bad, 0, "index"), indexTable, [{ ...rows[0]!, lrc_lyrics: null, raw_lyrics: "la ".repeat(100) }, rows[1]!]);
    const index = stepPath(bad, 0, "index");
    const strict = await cli("process", "align", bad, "0", "--strict", "--max-lyrics-chars", "200", "--progress");
    expect(strict.code).toBe(ExitCode.badInput);
    expect(strict.stdout).toBe("");
    const lines = strict.stderr.split("\n");
    expect(lines[0]).toBe(
      `autosing process align: failed row 0 (id ${rows[0]!.id}) of ${index}: RowLimitError: the lyrics are 300 characters long, over the limit of 200 characters (option maxLyricsChars; raise it with --max-lyrics-chars, or split the song)`,
    );
    expect(lines[1]).toMatch(new RegExp(`^align partition 0: row 1/2 \\(id ${rows[0]!.id}\\), [\\d.]+ rows/s$`));
    expect(lines[2]).toMatch(/^align partition 0: row 2\/2 .*rows\/s$/);
    expect(lines[3]).toBe(`autosing process: align: 1 of 2 rows of ${index} failed (rows 0 (id ${rows[0]!.id})); strict is set, so nothing is written (fix or remove those rows, or drop --strict to skip them)`);
    expect(existsSync(stepPath(bad, 0, "alignment"))).toBe(false);

    // Without --strict the same run skips the row, counts it in the summary and exits 0.
    const lenient = await cli("process", "align", bad, "0", "--max-lyrics-chars", "200");
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/^autosing process align: skipped row 0 .*--max-lyrics-chars/);
    expect(lenient.stdout).toMatch(/^align partition 0: 2 rows in → 1 rows in alignment\.parquet, 1 skipped/);

    const long = await cli("process", "vad_extract", bad, "0", "--max-song-seconds", "5", "--progress-every", "0");
    expect(long.code).toBe(ExitCode.badInput);
    expect(long.stderr).toMatch(/the audio is 10\.0 s long, over the limit of 5 s \(option maxSongSeconds; raise it with --max-song-seconds/);
    for (const flag of ["--max-song-seconds", "--max-lyrics-chars", "--progress-every"]) {
      const refused = await cli("process", "align", bad, "0", flag, "-1");
      expect([refused.code, refused.stderr]).toEqual([ExitCode.usage, expect.stringContaining(`autosing process: ${flag} must be`)]);
    }
  });

  it("separates with an MDX-Net ONNX model (--separator mdx:<file>) and rewrites with --force", async () => {
    const graph = new OnnxGraphBuilder("mdx_identity");
    graph.addInput("input", "float32", ["batch", 4, 256, 32]);
    graph.addNode("Identity", ["input"], ["output"]);
    graph.addOutput("output", "float32", ["batch", 4, 256, 32]);
    const model = join(dir, "mdx.onnx");
    writeFileSync(model, graph.toBytes());
    const flags = ["--separator", `mdx:${model}`, "--n-fft", "512", "--dim-f", "256", "--dim-t", "32", "--hop-length", "128"];
    expect((await cli("process", "src_sep", dataset, "0", ...flags)).stdout).toMatch(/exists; skipped/);
    const run = await cli("process", "src_sep", dataset, "0", ...flags, "--force");
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/src_sep partition 0: \d+ rows in → \d+ rows in vocals\.parquet, no_vocals\.parquet, 0 skipped/);
    const bad = await cli("process", "src_sep", dataset, "0", "--separator", "mdx:", "--force");
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toMatch(/mdx:<model\.onnx>/);
  });

  it("rejects an unknown step, a missing partition and a missing codec in one line", async () => {
    expect((await cli("process", "separate", dataset, "0")).stderr).toMatch(/unknown step "separate"/);
    const typo = await cli("process", "missing", dataset, "stok");
    expect(typo.code).toBe(ExitCode.usage);
    expect(typo.stdout).toBe("");
    expect(typo.stderr).toMatch(/step = "stok": must be one of align, vad_extract, src_sep, atoks, stoks, artist_embs, or a table file name/);
    expect((await cli("process", "missing", dataset, "stoks.parquet", "--total", "2")).stdout).toBe("1\n");
    expect((await cli("process", "align", dataset)).stderr).toMatch(/pass the partition number/);
    const noCodec = await cli("process", "atoks", dataset, "0", "--force");
    expect(noCodec.code).toBe(ExitCode.usage);
    expect(noCodec.stderr).toMatch(/--codec default:/);
  });
});

describe("autosing process --models", () => {
  it("takes each step's network from a models directory; an explicit flag wins; a missing one is said once", async () => {
    const models = join(dir, "models");
    await mkdir(join(models, "default-codec"), { recursive: true });
    await copyFile(codecFile, join(models, "default-codec", "codec.json"));
    await mkdir(join(models, "default-tokenizer"), { recursive: true });
    await copyFile(tokenizerFile, join(models, "default-tokenizer", "tokenizer.json"));
    await cp(embedderDir, join(models, "artist-emb", "export"), { recursive: true });
    await mkdir(join(models, "artist-emb", "checkpoint"));
    await recordModels(models, {
      "default-codec": { kind: "default-codec", files: { codec: "codec.json" } },
      "default-tokenizer": { kind: "default-tokenizer", files: { tokenizer: "tokenizer.json" } },
      "artist-emb": { kind: "artist-emb", files: { export: "export", checkpoint: "checkpoint" } },
    });
    const codecSpec = `default:${join(models, "default-codec", "codec.json")}`;

    const tokens = await cli("process", "atoks", dataset, "0", "--models", models, "--force");
    expect(tokens.code).toBe(0);
    expect(tokens.stderr).toBe(`autosing process atoks: --codec ${codecSpec} (model "default-codec", default-codec, demo-grade, from --models)\n`);
    expect(tokens.stdout).toMatch(/atoks partition 0: .* atoks_vocals_default\.parquet/);
    const semantic = await cli("process", "stoks", dataset, "0", "--models", models, "--force");
    expect(semantic.code).toBe(0);
    expect(semantic.stderr).toMatch(/^autosing process stoks: --tokenizer default:.*tokenizer\.json \(model "default-tokenizer"/);
    // artist_embs takes the embedder and reads the atoks table of the directory's codec.
    const embs = await cli("process", "artist_embs", dataset, "0", "--models", models, "--force");
    expect(embs.code).toBe(0);
    expect(embs.stderr.split("\n").filter(Boolean)).toHaveLength(2);
    expect(embs.stdout).toMatch(/artist_embs partition 0: \d+ rows in → \d+ rows in artist_embs\.parquet, 0 skipped/);

    // An explicit flag wins over the directory (this one names a file that is not there).
    const explicit = await cli("process", "stoks", dataset, "0", "--models", models, "--force", "--tokenizer", `default:${join(dir, "no-tokenizer.json")}`);
    expect(explicit.code).not.toBe(0);
    expect(explicit.stderr).toContain("no-tokenizer.json");
    expect(explicit.stderr).not.toContain("from --models");

    // A directory without the step's network: one line says so, then the step runs as without --models.
    const onlyTokenizer = join(dir, "models-tokenizer-only");
    await mkdir(join(onlyTokenizer, "default-tokenizer"), { recursive: true });
    await copyFile(tokenizerFile, join(onlyTokenizer, "default-tokenizer", "tokenizer.json"));
    await recordModels(onlyTokenizer, { "default-tokenizer": { kind: "default-tokenizer", files: { tokenizer: "tokenizer.json" } } });
    const noCodec = await cli("process", "atoks", dataset, "0", "--models", onlyTokenizer, "--force");
    expect(noCodec.code).toBe(ExitCode.usage);
    const lines = noCodec.stderr.split("\n").filter(Boolean);
    expect(lines[0]).toBe(`autosing process atoks: ${onlyTokenizer} has no acoustic codec (autosing import snac <snac_32khz folder>); running as without --models: --codec is not given`);
    expect(lines[1]).toMatch(/pass --codec default:/);
    const aligned = await cli("process", "align", dataset, "0", "--models", onlyTokenizer);
    expect(aligned.code).toBe(0);
    expect(aligned.stderr).toMatch(/has no phoneme frame classifier \(autosing import frame-classifier <streich\/singing_va folder>\); running as without --models: no frame classifier/);
    const separated = await cli("process", "src_sep", dataset, "0", "--models", onlyTokenizer);
    expect(separated.stderr).toContain(`${onlyTokenizer} has no vocal separator (autosing import separator <model .ckpt> <its .yaml>); running as without --models`);
  });

  it("refuses a --models directory that does not exist (exit 6) or whose models.json is broken (exit 4), naming the file", async () => {
    const missing = await cli("process", "atoks", dataset, "0", "--models", join(dir, "no-models"));
    expect(missing.code).toBe(ExitCode.fileSystem);
    expect(missing.stderr).toMatch(/^autosing process: .*no-models: does not exist; create it with "autosing import/);
    const broken = join(dir, "broken-models");
    await mkdir(broken);
    await writeFile(join(broken, "models.json"), JSON.stringify({ format: "autosing-models", version: 1, models: { snac: { kind: "snac", files: {}, sources: [], autosing: "1", details: {} } } }));
    const bad = await cli("process", "atoks", dataset, "0", "--models", broken);
    expect(bad.code).toBe(ExitCode.badInput);
    expect(bad.stderr).toContain(`${join(broken, "models.json")}: models.snac.files: lacks the "encoder" file a snac model records`);
  });
});
