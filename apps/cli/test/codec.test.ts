import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeAudio, encodeWav } from "@autosing/audio-codec";
import { indexTable, writeTable } from "@autosing/parquet-io";
import { afterAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "autosing-codec-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A melody of harmonic notes at 44.1 kHz stereo, so fit/roundtrip also exercise channel selection and resampling. */
function melodyWav(file: string, secondsLong: number, seed: number): string {
  const rate = 44100;
  const n = Math.floor(secondsLong * rate);
  const left = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const note = Math.floor(i / (rate * 0.4));
    const f0 = 110 * 2 ** (((note * 7 + seed * 3) % 24) / 12);
    phase += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin(h * phase) / h;
    left[i] = 0.25 * v * Math.min(1, (i % (rate * 0.4)) / 800);
  }
  const path = join(dir, file);
  writeFileSync(path, encodeWav({ channels: [left, new Float32Array(n)], sampleRate: rate }));
  return path;
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe("autosing codec", () => {
  const train = [melodyWav("a.wav", 4, 1), melodyWav("b.wav", 4, 2)];
  const heldOut = melodyWav("held.wav", 2.5, 5);
  const codecFile = join(dir, "codec.json");

  it("fits the default codec, then roundtrips held-out audio with measured quality", async () => {
    const fit = await cli("codec", "fit", ...train, "--out", codecFile, "--codebook-size", "64", "--iterations", "5");
    expect(fit.stderr).toBe("");
    expect(fit.code).toBe(0);
    expect(fit.stdout).toMatch(/fitted the default codec on 2 clip\(s\), 8\.00 s of audio, 4 levels × 64 codes/);

    const out = join(dir, "round.wav");
    const round = await cli("codec", "roundtrip", heldOut, out, "--codec", `default:${codecFile}`);
    expect(round.stderr).toBe("");
    expect(round.code).toBe(0);
    // 2.5 s at 32 kHz = 80000 samples → 6 blocks of 12288 → 192 frames → 2 decode blocks of 96 → 73728 samples.
    expect(round.stdout).toContain("2.30 s through default, tokens [4, 192]");
    const snr = Number(/magnitude-spectrogram SNR (-?[\d.]+) dB/.exec(round.stdout)?.[1]);
    expect(Number.isFinite(snr)).toBe(true);
    // Silence scores ~100 dB here; a 64-code codec fitted on 8 s scores ~9 dB on this unseen melody.
    expect(Number(/log-mel distance ([\d.]+) dB/.exec(round.stdout)?.[1])).toBeLessThan(20);
    const audio = await decodeAudio(readFileSync(out));
    expect(audio.sampleRate).toBe(32000);
    expect(audio.channels[0]!.length).toBe(73728);
  });

  it("encodes to a tokens file and decodes it back to FLAC", async () => {
    const tokensFile = join(dir, "held.tokens.json");
    const encoded = await cli("codec", "encode", heldOut, tokensFile, "--codec", `default:${codecFile}`);
    expect(encoded.code).toBe(0);
    const tokens = JSON.parse(readFileSync(tokensFile, "utf8")) as { format: string; shape: number[]; data: number[] };
    expect(tokens.format).toBe("autosing.tokens");
    expect(tokens.shape).toEqual([4, 192]);
    expect(tokens.data).toHaveLength(4 * 192);

    const flac = join(dir, "held.flac");
    const decoded = await cli("codec", "decode", tokensFile, flac, "--codec", `default:${codecFile}`);
    expect(decoded.stderr).toBe("");
    expect(decoded.code).toBe(0);
    expect((await decodeAudio(readFileSync(flac))).channels[0]!.length).toBe(73728);
  });

  it("fits from a dataset directory's index.parquet audio column, writing safetensors", async () => {
    const dataset = join(dir, "dataset");
    mkdirSync(join(dataset, "0"), { recursive: true });
    await writeTable(join(dataset, "0", "index.parquet"), indexTable, [
      { id: "song-a", audio: readFileSync(train[0]!) },
      { id: "song-b", audio: readFileSync(train[1]!) },
    ]);
    const out = join(dir, "codec.safetensors");
    const fit = await cli("codec", "fit", dataset, "--out", out, "--codebook-size", "8", "--iterations", "2");
    expect(fit.stderr).toBe("");
    expect(fit.stdout).toMatch(/on 2 clip\(s\), 8\.00 s of audio, 4 levels × 8 codes/);
    const round = await cli("codec", "roundtrip", heldOut, join(dir, "r2.wav"), "--codec", `default:${out}`);
    expect(round.code).toBe(0);
  });

  it("reports bad input as one line on stderr with its exit code", async () => {
    const noCodec = await cli("codec", "roundtrip", heldOut, join(dir, "x.wav"));
    expect(noCodec.code).toBe(ExitCode.usage);
    expect(noCodec.stderr).toMatch(/pass --codec default:/);

    const garbage = join(dir, "garbage.wav");
    writeFileSync(garbage, "this is not audio");
    const bad = await cli("codec", "encode", garbage, join(dir, "g.json"), "--codec", `default:${codecFile}`);
    expect(bad.code).toBe(ExitCode.badInput);
    expect(bad.stderr).toMatch(/garbage\.wav: unknown audio format/);
    expect(bad.stderr).not.toContain("    at ");

    const missing = await cli("codec", "encode", join(dir, "nope.wav"), join(dir, "g.json"), "--codec", `default:${codecFile}`);
    expect(missing.code).toBe(ExitCode.fileSystem);
    expect(missing.stderr).toMatch(/ENOENT|no such file/);

    const badSpec = await cli("codec", "encode", heldOut, join(dir, "g.json"), "--codec", "mp3:foo");
    expect(badSpec.stderr).toMatch(/unknown codec kind "mp3"/);

    const wrongTokens = join(dir, "wrong.json");
    writeFileSync(wrongTokens, JSON.stringify({ format: "autosing.tokens", shape: [4, 96], data: new Array(4 * 96).fill(5000) }));
    const range = await cli("codec", "decode", wrongTokens, join(dir, "w.wav"), "--codec", `default:${codecFile}`);
    expect(range.code).toBe(ExitCode.badInput);
    expect(range.stderr).toMatch(/wrong\.json: data\[0\] \(level 0, frame 0\) is 5000; tokens of codec default are integers in \[0, 64\)/);

    const tooMany = await cli("codec", "fit", train[0]!, "--out", join(dir, "big.json"), "--codebook-size", "5000");
    expect(tooMany.code).toBe(ExitCode.usage);
    expect(tooMany.stderr).toBe('autosing codec: --codebook-size must be an integer in 1..4096, got "5000"\n');

    const badOut = await cli("codec", "fit", train[0]!, "--out", join(dir, "codec.txt"));
    expect(badOut.stderr).toMatch(/--out must end in \.json or \.safetensors/);
  });

  it("refuses a tokens file the codec did not write: out-of-codebook, string, float, negative, bad shape", async () => {
    const tokensFile = join(dir, "held.tokens.json");
    await cli("codec", "encode", heldOut, tokensFile, "--codec", `default:${codecFile}`);
    const good = JSON.parse(readFileSync(tokensFile, "utf8")) as { shape: number[]; data: unknown[] };
    const frames = good.shape[1]!;
    const cases: [string, (data: unknown[]) => unknown[], RegExp][] = [
      // 64 is within SNAC's 4096 codes but past the 64 centroids this codec has.
      ["codebook", (d) => d.map((v, i) => (i === frames + 3 ? 64 : v)), /data\[195\] \(level 1, frame 3\) is 64; tokens of codec default are integers in \[0, 64\)/],
      ["string", (d) => d.map((v, i) => (i === 5 ? "7" : v)), /data\[5\] \(level 0, frame 5\) is "7"/],
      ["float", (d) => d.map((v, i) => (i === 2 * frames ? 1.5 : v)), /data\[384\] \(level 2, frame 0\) is 1\.5/],
      ["negative", (d) => d.map((v, i) => (i === 1 ? -1 : v)), /data\[1\] \(level 0, frame 1\) is -1/],
      ["short", (d) => d.slice(1), /data has 767 values, but shape \[4, 192\] needs 768/],
    ];
    for (const [name, edit, message] of cases) {
      const file = join(dir, `bad-${name}.json`);
      const out = join(dir, `bad-${name}.wav`);
      writeFileSync(file, JSON.stringify({ ...good, data: edit(good.data) }));
      const run = await cli("codec", "decode", file, out, "--codec", `default:${codecFile}`);
      expect(run.code, name).toBe(ExitCode.badInput);
      expect(run.stderr, name).toMatch(message);
      expect(existsSync(out), name).toBe(false);
    }
    const flat = join(dir, "bad-shape.json");
    writeFileSync(flat, JSON.stringify({ ...good, shape: [1, 4 * frames] }));
    const shape = await cli("codec", "decode", flat, join(dir, "bad-shape.wav"), "--codec", `default:${codecFile}`);
    expect(shape.code).toBe(ExitCode.badInput);
    expect(shape.stderr).toMatch(/shape \[1,768\] must be \[4, T\]/);
  });
});
