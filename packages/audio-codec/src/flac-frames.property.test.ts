// Property tests for the FLAC frame splitter (flac-frames.ts), which runs on untrusted files before
// the decoder does: random, truncated and bit-flipped streams fail only with an AudioCodecError,
// and the frames of a real stream split, then joined, give the stream back. Seeded: failures reproduce.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { splitFlacFrames } from "./flac-frames.js";
import { AudioCodecError, encodeAudio } from "./index.js";

const runs = { seed: 42, numRuns: 150 };

function onlyOwnErrors(split: () => unknown): void {
  try {
    split();
  } catch (error) {
    if (!AudioCodecError.isInstance(error)) throw error;
  }
}

let flac: Uint8Array;
beforeAll(async () => {
  const samples = Float32Array.from({ length: 9000 }, (_, i) => 0.4 * Math.sin(i / 7) + 0.1 * Math.sin(i / 1.3));
  flac = await encodeAudio({ sampleRate: 16000, channels: [samples] }, "flac");
});

describe("splitFlacFrames", () => {
  it("throws only AudioCodecError on random bytes after a fLaC marker", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const bytes = new Uint8Array(4 + tail.length);
        bytes.set([0x66, 0x4c, 0x61, 0x43]);
        bytes.set(tail, 4);
        onlyOwnErrors(() => splitFlacFrames(bytes));
      }),
      runs,
    );
  });

  it("throws only AudioCodecError on truncated and bit-flipped real streams", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (cutSeed, flips) => {
        const bytes = flac.slice(0, cutSeed % (flac.length + 1));
        for (const [at, value] of flips) if (bytes.length > 0) bytes[at % bytes.length] = value;
        onlyOwnErrors(() => splitFlacFrames(bytes));
      }),
      runs,
    );
  });

  it("splits a real stream into frames that join back to its audio bytes", () => {
    const frames = splitFlacFrames(flac);
    expect(frames.length).toBeGreaterThan(1);
    const start = frames[0]!.byteOffset - flac.byteOffset;
    const joined = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    let offset = 0;
    for (const frame of frames) {
      joined.set(frame, offset);
      offset += frame.length;
    }
    expect(joined).toEqual(flac.subarray(start));
  });
});
