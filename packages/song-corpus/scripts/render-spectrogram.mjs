// Renders docs/spectrogram.png for the README: the spectrogram of one corpus song (0-4 kHz),
// the target note pitches over it, and the truth word spans below, labelled.
// Usage, after a build: `node scripts/render-spectrogram.mjs [seed] [index] [seconds]`.
import { Buffer } from "node:buffer";
import { writeFileSync } from "node:fs";
import process from "node:process";
import { URL } from "node:url";
import { deflateSync } from "node:zlib";

import { renderSong } from "../dist/index.js";

const [seed = 1, index = 0, seconds = 14] = process.argv.slice(2).map(Number);
const song = await renderSong({ seed, index, seconds });
const sr = song.sampleRate;

// --- spectrogram -------------------------------------------------------------------------
const N = 2048;
const HOP = Math.round(sr * 0.01);
const MAX_HZ = 4000;
function fft(re, im) {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}
const frames = Math.floor((song.mix.length - N) / HOP);
const bins = Math.floor((MAX_HZ / sr) * N);
const spec = [];
let top = -Infinity;
for (let f = 0; f < frames; f++) {
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  for (let i = 0; i < N; i++) re[i] = song.mix[f * HOP + i] * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
  fft(re, im);
  const col = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    col[b] = 10 * Math.log10(re[b] ** 2 + im[b] ** 2 + 1e-12);
    top = Math.max(top, col[b]);
  }
  spec.push(col);
}

// --- canvas ------------------------------------------------------------------------------
const W = frames;
const SPEC_H = 400;
const BAND_H = 60;
const H = SPEC_H + BAND_H;
const px = new Uint8Array(W * H * 3);
const set = (x, y, [r, g, b]) => {
  if (x < 0 || y < 0 || x >= W || y >= H) return;
  const o = (y * W + x) * 3;
  px[o] = r;
  px[o + 1] = g;
  px[o + 2] = b;
};
// "magma"-like ramp: black → purple → orange → pale yellow.
const ramp = (t) => {
  const stops = [[0, 0, 4], [80, 18, 123], [182, 54, 121], [251, 136, 97], [252, 253, 191]];
  const x = Math.max(0, Math.min(0.9999, t)) * (stops.length - 1);
  const i = Math.floor(x);
  const u = x - i;
  return stops[i].map((c, k) => Math.round(c + (stops[i + 1][k] - c) * u));
};
for (let x = 0; x < W; x++) {
  for (let y = 0; y < SPEC_H; y++) {
    const b = Math.floor(((SPEC_H - 1 - y) / SPEC_H) * bins);
    set(x, y, ramp((spec[x][b] - (top - 80)) / 80));
  }
}
const xOf = (t) => Math.round((t * sr - N / 2) / HOP);
const yOf = (hz) => SPEC_H - 1 - Math.round((hz / MAX_HZ) * SPEC_H);
// Target note pitches (cyan).
for (const note of song.notes) {
  for (let x = xOf(note.start); x <= xOf(note.end); x++) for (const dy of [-1, 0, 1]) set(x, yOf(note.hz) + dy, [0, 230, 255]);
}
// Word spans: alternating bars with the word written in them.
for (let y = SPEC_H; y < H; y++) for (let x = 0; x < W; x++) set(x, y, [24, 24, 24]);
const GLYPHS = {
  A: "01110100011000111111100011000110001", B: "11110100011000111110100011000111110", C: "01110100011000010000100001000101110",
  D: "11100100101000110001100011001011100", E: "11111100001000011110100001000011111", F: "11111100001000011110100001000010000",
  G: "01110100011000010111100011000101111", H: "10001100011000111111100011000110001", I: "01110001000010000100001000010001110",
  J: "00111000100001000010000101001001100", K: "10001100101010011000101001001010001", L: "10000100001000010000100001000011111",
  M: "10001110111010110101100011000110001", N: "10001100011100110101100111000110001", O: "01110100011000110001100011000101110",
  P: "11110100011000111110100001000010000", Q: "01110100011000110001101011001001101", R: "11110100011000111110101001001010001",
  S: "01111100001000001110000010000111110", T: "11111001000010000100001000010000100", U: "10001100011000110001100011000101110",
  V: "10001100011000110001100010101000100", W: "10001100011000110101101011010101010", X: "10001100010101000100010101000110001",
  Y: "10001100010101000100001000010000100", Z: "11111000010001000100010001000011111",
};
const text = (s, x0, y0, color) => {
  [...s.toUpperCase()].forEach((ch, c) => {
    const g = GLYPHS[ch];
    if (!g) return;
    for (let r = 0; r < 7; r++) for (let k = 0; k < 5; k++) if (g[r * 5 + k] === "1") set(x0 + c * 6 + k, y0 + r, color);
  });
};
song.words.forEach((word, i) => {
  const x0 = xOf(word.start);
  const x1 = xOf(word.end);
  const row = SPEC_H + 6 + (i % 2) * 26;
  const color = i % 2 === 0 ? [90, 200, 120] : [230, 190, 60];
  for (let x = x0; x <= x1; x++) for (let y = row; y < row + 4; y++) set(x, y, color);
  for (let y = SPEC_H; y < H; y++) set(x0, y, [200, 200, 200]);
  text(word.text, x0 + 2, row + 7, [240, 240, 240]);
});
// 1-second ticks on the top edge.
for (let s = 1; s < seconds; s++) for (let y = 0; y < 8; y++) set(xOf(s), y, [255, 255, 255]);

// --- PNG ---------------------------------------------------------------------------------
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
const raw = Buffer.alloc((W * 3 + 1) * H);
for (let y = 0; y < H; y++) Buffer.from(px.subarray(y * W * 3, (y + 1) * W * 3)).copy(raw, y * (W * 3 + 1) + 1);
const header = Buffer.alloc(13);
header.writeUInt32BE(W, 0);
header.writeUInt32BE(H, 4);
header.set([8, 2, 0, 0, 0], 8);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(raw)),
  chunk("IEND", Buffer.alloc(0)),
]);
writeFileSync(new URL("../docs/spectrogram.png", import.meta.url), png);
process.stdout.write(`${song.id}: ${song.artist}, ${song.key}, ${song.tempo} bpm\n${song.lrcLyrics}\n`);
