// Bad input to the separator importer and adapter: a pickle with unknown globals, a YAML that does
// not match the weights (missing, extra or reshaped tensors), a BS-RoFormer or broken YAML; and
// songs the 44.1 kHz stereo model is given: mono and 8 kHz (converted), 0.2 s (padded to a chunk).
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { loadRoformerSeparator, normalizePeak } from "@autosing/separation";
import { describe, expect, it } from "vitest";

import { SEPARATOR_IMPORTER } from "../src/index.js";
import { channelsOf, editedYaml, failedSeparatorImport, readF32, relativeError, separatorGolden as golden, tinyCheckpoint, tinyYaml } from "./separator-helpers.js";
import { fixtures as checkpointFixtures } from "./upstream-checkpoints-helpers.js";

const failedImport = failedSeparatorImport;
const yamlWith = (edit: (text: string) => string): string => editedYaml(tinyYaml, edit);

describe("separator import: bad input", () => {
  it("a checkpoint with an unknown pickle global is refused by name, never run", async () => {
    const error = await failedImport([join(checkpointFixtures, "bad-system-tensor.model"), tinyYaml]);
    expect(error.message).toMatch(/unknown global posix\.system/);
  });

  it.each([
    ["a deeper model", (t: string) => t.replace("depth: 2\n", "depth: 3\n"), "layers.2.0.layers.0.0.rotary_embed.freqs", /is missing; .* does not describe this checkpoint/],
    ["a shallower model", (t: string) => t.replace("depth: 2\n", "depth: 1\n"), "layers.1.0.layers.0.0.rotary_embed.freqs", /is not a tensor of the network the YAML describes/],
    ["another width", (t: string) => t.replace("dim: 8\n", "dim: 12\n"), "layers.0.0.layers.0.0.norm.gamma", /has shape \[8\], expected \[12\]/],
  ])("a YAML of %s names the key", async (_what, edit, key, detail) => {
    const error = await failedImport([tinyCheckpoint, yamlWith(edit)]);
    expect(error.source).toBe(tinyCheckpoint);
    expect(error.key).toBe(key);
    expect(error.detail).toMatch(detail);
  });

  it("a YAML naming neither variant, a YAML without a model block and a lone checkpoint say what is wrong", async () => {
    const neither = await failedImport([tinyCheckpoint, yamlWith((t) => t.replace("  num_bands: 8\n", ""))]);
    expect(neither.detail).toMatch(/neither model\.num_bands \(Mel-Band RoFormer\) nor model\.freqs_per_bands \(BS-RoFormer\)/);
    const broken = await failedImport([tinyCheckpoint, yamlWith((t) => t.replace(/^model:[\s\S]*?^training:/m, "training:"))]);
    expect(broken.detail).toMatch(/not a RoFormer config: model/);
    const lone = await failedImport([tinyCheckpoint]);
    expect(lone.detail).toMatch(/the checkpoint and its YAML config/);
  });
});

describe("Mel-Band YAML model keys, checked against the fork's MelBandRoformer.__init__", () => {
  /** The fixture's model block with `line` added after `dim: 8`. */
  const withModelLine = (line: string): string => yamlWith((t) => t.replace("  dim: 8\n", `  dim: 8\n  ${line}\n`));

  it.each(["linear_transformer_depth: 0", "skip_connection: true", "mlp_expansion_factor: 4", "num_band: 8"])(
    "a key the fork's MelBandRoformer does not take (%s) is refused by name, as upstream's constructor refuses it",
    async (line) => {
      const yaml = withModelLine(line);
      const error = await failedImport([tinyCheckpoint, yaml]);
      expect(error.source).toBe(yaml);
      expect(error.key).toBe(`model.${line.split(":")[0]!}`);
      expect(error.detail).toMatch(/not a parameter of the pinned audio-separator fork's MelBandRoformer \(mel_band_roformer\.py\).*Use the YAML published with the checkpoint/);
    },
  );

  it.each([
    ["a normalized STFT", (t: string) => t.replace("stft_normalized: False", "stft_normalized: True"), "model.stft_normalized", /only false/],
    ["a window shorter than the FFT", (t: string) => t.replace("stft_win_length: 128", "stft_win_length: 64"), "model.stft_win_length", /must equal model\.stft_n_fft \(128\)/],
    ["another window function", (t: string) => t.replace("  dim: 8\n", "  dim: 8\n  stft_window_fn: hamming\n"), "model.stft_window_fn", /only the default Hann window/],
  ])("%s (a feature this port does not build) is refused unless at its default", async (_what, edit, key, detail) => {
    const error = await failedImport([tinyCheckpoint, yamlWith(edit)]);
    expect(error.key).toBe(key);
    expect(error.detail).toMatch(detail);
  });

  it("keys the fork takes but inference does not read change nothing: the import is byte-identical", async () => {
    const importedFiles = async (yaml: string): Promise<Map<string, Buffer>> => {
      const outputDir = mkdtempSync(join(tmpdir(), "separator-keys-"));
      await SEPARATOR_IMPORTER.run([tinyCheckpoint, yaml], {}, { outputDir, log: () => undefined });
      return new Map(readdirSync(outputDir).map((name) => [name, readFileSync(join(outputDir, name))]));
    };
    const ignored = yamlWith((t) =>
      t
        .replace("  dim: 8\n", "  dim: 8\n  match_input_audio_length: true\n  stft_window_fn: null\n  multi_stft_window_fn: hann\n")
        .replace("dim_freqs_in: 65", "dim_freqs_in: 1025")
        .replace("flash_attn: false", "flash_attn: true")
        .replace("attn_dropout: 0.1", "attn_dropout: 0.5"),
    );
    const [plain, edited] = await Promise.all([importedFiles(tinyYaml), importedFiles(ignored)]);
    expect([...edited.keys()].sort()).toEqual([...plain.keys()].sort());
    expect(plain.size).toBeGreaterThan(0);
    for (const [name, bytes] of plain) expect(edited.get(name)!.equals(bytes), name).toBe(true);
  });
});

describe("RoFormer adapter: songs a 44.1 kHz stereo model is given", () => {
  const mix = channelsOf(readF32("mix.f32"), 2);

  async function imported(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), "separator-adapter-"));
    const source = mkdtempSync(join(tmpdir(), "separator-source-"));
    copyFileSync(tinyCheckpoint, join(source, "model.ckpt"));
    copyFileSync(tinyYaml, join(source, "model.yaml"));
    await SEPARATOR_IMPORTER.run([source], {}, { outputDir: dir, log: () => undefined });
    return dir;
  }

  it("mono and 8 kHz songs are converted and come back in their own shape; stems sum to the mix", async () => {
    const separator = await loadRoformerSeparator(await imported(), { overlapSeconds: golden.overlapSeconds });
    try {
      for (const audio of [
        { sampleRate: 44_100, channels: [mix[0]!] },
        { sampleRate: 8_000, channels: mix.map((c) => c.slice(0, 800)) },
      ]) {
        const { vocals, instrumental } = await separator.separate({ id: "s_at_0", audio });
        expect(vocals.sampleRate).toBe(audio.sampleRate);
        expect(vocals.channels.map((c) => c.length)).toEqual(audio.channels.map((c) => c.length));
        const sum = vocals.channels.map((c, ch) => c.map((v, i) => v + instrumental.channels[ch]![i]!));
        expect(relativeError(sum, audio.channels)).toBeLessThan(1e-6);
        expect(vocals.channels.every((c) => c.some((v) => v !== 0))).toBe(true);
      }
    } finally {
      await separator.dispose();
    }
  });

  it("a song shorter than one chunk (200 of the tiny model's 1024 samples, as 0.2 s is of the real 8 s chunk) is padded, where upstream breaks", async () => {
    const separator = await loadRoformerSeparator(await imported(), { overlapSeconds: golden.overlapSeconds });
    try {
      const short = mix.map((c) => c.slice(0, 200));
      const padded = mix.map((c) => {
        const out = new Float32Array(golden.chunkSize);
        out.set(c.subarray(0, 200));
        return out;
      });
      const { vocals } = await separator.separate({ id: "s_at_0", audio: { sampleRate: 44_100, channels: short } });
      const whole = await separator.separate({ id: "s_at_0", audio: { sampleRate: 44_100, channels: padded } });
      expect(vocals.channels.map((c) => c.length)).toEqual([200, 200]);
      vocals.channels.forEach((c, ch) => expect(Array.from(c)).toEqual(Array.from(whole.vocals.channels[ch]!.subarray(0, 200))));
    } finally {
      await separator.dispose();
    }
  });

  it("the fork's normalisation: stems peak-limited on request (separate()), off with null, a threshold outside (0, 1] refused", async () => {
    const dir = await imported();
    const loud = mix.map((c) => c.map((v) => v * 2.5));
    const audio = { sampleRate: 44_100, channels: loud };
    const batched = await loadRoformerSeparator(dir, { overlapSeconds: golden.overlapSeconds, normalizationThreshold: 0.3 });
    const written = await loadRoformerSeparator(dir, { overlapSeconds: golden.overlapSeconds, normalizationThreshold: 0.3, normalizeStems: true });
    const off = await loadRoformerSeparator(dir, { overlapSeconds: golden.overlapSeconds, normalizationThreshold: null });
    try {
      const plain = await batched.separate({ id: "s_at_0", audio });
      const limited = await written.separate({ id: "s_at_0", audio });
      for (const stem of ["vocals", "instrumental"] as const) {
        // Each stem through spec_utils.normalize on its own (a no-op for a stem under 0.3).
        const expected = normalizePeak(plain[stem].channels, 0.3);
        expect(relativeError(limited[stem].channels, expected)).toBeLessThan(1e-7);
      }
      const raw = await off.separate({ id: "s_at_0", audio });
      const sum = raw.vocals.channels.map((c, ch) => c.map((v, i) => v + raw.instrumental.channels[ch]![i]!));
      expect(relativeError(sum, loud)).toBeLessThan(1e-6);
    } finally {
      await Promise.all([batched.dispose(), written.dispose(), off.dispose()]);
    }
    for (const bad of [0, 1.5, Number.NaN]) {
      await expect(loadRoformerSeparator(dir, { normalizationThreshold: bad })).rejects.toThrow(/normalizationThreshold .*must be greater than 0 and at most 1/);
    }
  });
});
