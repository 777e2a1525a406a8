import { readFileSync } from "node:fs";

import { mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { REFERENCE_CLIPS } from "./__fixtures__/flac-reference.js";
import { flacCrc16, flacCrc8, readFlacFrameHeader, splitFlacFrames } from "./flac-frames.js";
import { CorruptAudioError, decodeAudio, encodeAudio } from "./index.js";

/** A seeded int16 signal (tone + noise) whose last `silentTail` samples are digital silence. */
function int16Signal(length: number, silentTail: number, seed: number): Int16Array {
  const random = mulberry32(seed);
  const out = new Int16Array(length);
  for (let i = 0; i < length - silentTail; i++) out[i] = Math.round(9000 * Math.sin(i * 0.031 * (1 + seed / 7))) + Math.floor(random() * 512) - 256;
  return out;
}

const toFloat = (x: Int16Array): Float32Array => Float32Array.from(x, (v) => v / 32768);

/** Index of the first differing sample, -1 when equal (lengths included). */
function firstMismatch(decoded: Float32Array, expected: Int16Array): number {
  if (decoded.length !== expected.length) return Math.min(decoded.length, expected.length);
  for (let i = 0; i < expected.length; i++) if (decoded[i] !== expected[i]! / 32768) return i;
  return -1;
}

function framesOf(bytes: Uint8Array): { sizes: number[]; blockSizes: number[] } {
  const frames = splitFlacFrames(bytes);
  return { sizes: frames.map((f) => f.length), blockSizes: frames.map((f) => readFlacFrameHeader(f, 0)!.blockSize) };
}

describe("FLAC round trip through libFLAC (encodeAudio) and decodeAudio", () => {
  // compression 0 uses 1152-sample blocks (the stem that showed the bug), 5 and 8 use 4096.
  const cases: { channels: number; compression: number; blocks: number; extra: number; silentTail: number }[] = [];
  for (const channels of [1, 2]) {
    for (const [compression, block] of [[0, 1152], [5, 4096], [8, 4096]] as const) {
      cases.push(
        { channels, compression, blocks: 3, extra: 0, silentTail: 0 }, // whole blocks
        { channels, compression, blocks: 3, extra: 0, silentTail: block + 10 }, // whole blocks, last one silent
        { channels, compression, blocks: 3, extra: 1, silentTail: 0 }, // a 1-sample final frame
        { channels, compression, blocks: 3, extra: 100, silentTail: 0 },
        { channels, compression, blocks: 3, extra: 100, silentTail: 900 }, // short, silent final frame
        { channels, compression, blocks: 3, extra: 700, silentTail: 700 },
      );
    }
  }

  it.each(cases)("is sample-exact: $channels ch, level $compression, $blocks blocks + $extra, silent tail $silentTail", async (c) => {
    const block = c.compression === 0 ? 1152 : 4096;
    const length = c.blocks * block + c.extra;
    const pcm = Array.from({ length: c.channels }, (_, ch) => int16Signal(length, c.silentTail, 10 * c.channels + ch + c.extra));
    const bytes = await encodeAudio({ channels: pcm.map(toFloat), sampleRate: 44100 }, "flac", { compression: c.compression });
    const { blockSizes } = framesOf(bytes);
    expect(blockSizes.reduce((a, b) => a + b, 0)).toBe(length);
    expect(blockSizes.slice(0, -1).every((b) => b === block)).toBe(true);
    const back = await decodeAudio(bytes);
    expect(back.sampleRate).toBe(44100);
    expect(back.channels).toHaveLength(c.channels);
    for (const [ch, expected] of pcm.entries()) expect(firstMismatch(back.channels[ch]!, expected)).toBe(-1);
  });

  it("covers the final frames that @wasm-audio-decoders/flac's decodeFile drops (13 bytes or less)", async () => {
    // The stem from the bug report: mono, 1152-sample blocks, ending in digital silence.
    const silent = int16Signal(1152 * 7 + 100, 3000, 1);
    const silentBytes = await encodeAudio({ channels: [toFloat(silent)], sampleRate: 44100 }, "flac", { compression: 0 });
    expect(framesOf(silentBytes).sizes.at(-1)).toBeLessThanOrEqual(13);
    expect(firstMismatch((await decodeAudio(silentBytes)).channels[0]!, silent)).toBe(-1);
    const single = int16Signal(4096 * 2 + 1, 0, 2);
    const singleBytes = await encodeAudio({ channels: [toFloat(single)], sampleRate: 44100 }, "flac");
    expect(framesOf(singleBytes).sizes.at(-1)).toBeLessThanOrEqual(13);
    expect(firstMismatch((await decodeAudio(singleBytes)).channels[0]!, single)).toBe(-1);
  });

  it("decodes an ID3v2-prefixed FLAC", async () => {
    const pcm = int16Signal(5000, 800, 3);
    const flac = await encodeAudio({ channels: [toFloat(pcm)], sampleRate: 22050 }, "flac");
    const tag = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5]);
    const tagged = new Uint8Array(tag.length + flac.length);
    tagged.set(tag);
    tagged.set(flac, tag.length);
    expect(firstMismatch((await decodeAudio(tagged)).channels[0]!, pcm)).toBe(-1);
  });

  it("refuses a tiny final frame that is cut short or followed by junk instead of dropping it", async () => {
    const pcm = int16Signal(4096 * 2 + 200, 1000, 4);
    const flac = await encodeAudio({ channels: [toFloat(pcm)], sampleRate: 44100 }, "flac");
    const last = framesOf(flac).sizes.at(-1)!;
    expect(last).toBeLessThanOrEqual(13);
    await expect(decodeAudio(flac.subarray(0, flac.length - 1), { source: "cut.flac" })).rejects.toThrow(/cut\.flac: corrupt or truncated flac.*no valid end/);
    const junk = new Uint8Array(flac.length + 3);
    junk.set(flac);
    junk.set([1, 2, 3], flac.length);
    await expect(decodeAudio(junk)).rejects.toThrow(CorruptAudioError);
    // A final frame that lost its last byte must not swallow an earlier frame's boundary either.
    expect(() => splitFlacFrames(flac.subarray(0, flac.length - last + 5))).toThrow(/no valid end/);
  });
});

describe("splitFlacFrames", () => {
  it("returns consecutive frames that tile the audio and each pass both CRCs", async () => {
    const pcm = int16Signal(4096 * 5 + 321, 0, 5);
    const flac = await encodeAudio({ channels: [toFloat(pcm), toFloat(pcm.map((v) => -v))], sampleRate: 48000 }, "flac");
    const frames = splitFlacFrames(flac);
    expect(frames.map((f) => readFlacFrameHeader(f, 0)!.number)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(frames.every((f) => flacCrc16(f) === 0)).toBe(true);
    const audioStart = frames[0]!.byteOffset - flac.byteOffset;
    expect(audioStart + frames.reduce((n, f) => n + f.length, 0)).toBe(flac.length);
    expect(String.fromCharCode(...flac.subarray(0, 4))).toBe("fLaC");
  });

  it("keeps a frame whose number jumps (spliced streams); libFLAC then reports the gap", async () => {
    const pcm = int16Signal(4096 * 3 + 100, 600, 6);
    const flac = await encodeAudio({ channels: [toFloat(pcm)], sampleRate: 44100 }, "flac");
    const frames = splitFlacFrames(flac).map((f) => new Uint8Array(f));
    const last = frames.at(-1)!;
    const header = readFlacFrameHeader(last, 0)!;
    last[4] = 100; // frame number 3 → 100: re-seal the header CRC-8 and the frame CRC-16
    last[header.length - 1] = flacCrc8(last.subarray(0, header.length - 1));
    const crc = flacCrc16(last.subarray(0, last.length - 2));
    last.set([crc >> 8, crc & 0xff], last.length - 2);
    const audioStart = flac.length - splitFlacFrames(flac).reduce((n, f) => n + f.length, 0);
    const spliced = new Uint8Array(flac.length);
    spliced.set(flac.subarray(0, audioStart));
    let offset = audioStart;
    for (const frame of frames) {
      spliced.set(frame, offset);
      offset += frame.length;
    }
    expect(splitFlacFrames(spliced).map((f) => readFlacFrameHeader(f, 0)!.number)).toEqual([0, 1, 2, 100]);
    expect(firstMismatch((await decodeAudio(flac)).channels[0]!, pcm)).toBe(-1);
    await expect(decodeAudio(spliced)).rejects.toThrow(/MISSING_FRAME/);
  });
});

describe("FLAC written by a reference encoder (FFmpeg's native FLAC encoder)", () => {
  it.each(REFERENCE_CLIPS.map((c) => [c.name, c] as const))("decodes %s.flac sample-exactly", async (_name, clip) => {
    const bytes = new Uint8Array(readFileSync(new URL(`./__fixtures__/${clip.name}.flac`, import.meta.url)));
    const back = await decodeAudio(bytes, { source: `${clip.name}.flac` });
    expect(back.sampleRate).toBe(clip.sampleRate);
    expect(back.channels).toHaveLength(clip.channels.length);
    for (const [ch, expected] of clip.channels.entries()) expect(firstMismatch(back.channels[ch]!, expected)).toBe(-1);
    // FFmpeg's 1152-sample blocks; the mono clip's final frame is the 13-byte kind decodeFile drops.
    const { sizes, blockSizes } = framesOf(bytes);
    expect(blockSizes.slice(0, -1).every((b) => b === 1152)).toBe(true);
    if (clip.channels.length === 1) expect(sizes.at(-1)).toBeLessThanOrEqual(13);
  });

  it("re-encodes the reference PCM with libFLAC to the same samples", async () => {
    for (const clip of REFERENCE_CLIPS) {
      const ours = await encodeAudio({ channels: clip.channels.map(toFloat), sampleRate: clip.sampleRate }, "flac");
      const back = await decodeAudio(ours);
      for (const [ch, expected] of clip.channels.entries()) expect(firstMismatch(back.channels[ch]!, expected)).toBe(-1);
    }
  });
});
