/**
 * Splits a native FLAC file into its frames, so `decodeAudio` can hand them to
 * `@wasm-audio-decoders/flac`'s `decodeFrames` instead of letting `decodeFile` split them.
 *
 * Why: `decodeFile` splits with codec-parser 2.5.0, which closes a frame only once it has read
 * the *next* frame's header plus 8 bytes. When the final frame is shorter than that (measured:
 * 13 bytes or less, which libFLAC writes for a mono 16-bit final block of digital silence or of
 * one sample), its end-of-stream flush returns the rest of the file as part of the previous
 * frame; the CRC-16
 * still checks (FLAC's CRC restarts from zero after a frame's own CRC), libFLAC decodes only
 * the first frame of that buffer, and the last frame is dropped without an error.
 * Frame layout: RFC 9639 §9 (header, CRC-8) and §9.3 (CRC-16 footer).
 */
import { CorruptAudioError } from "./errors.js";

/** The frame header fields we need to find the next frame. */
interface FrameHeader {
  /** Bytes up to and including the CRC-8. */
  length: number;
  variableBlockSize: boolean;
  /** Frame number (fixed block size) or first sample number (variable block size). */
  number: number;
  blockSize: number;
}

const CRC8_TABLE = new Uint8Array(256);
const CRC16_TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c8 = i;
  let c16 = i << 8;
  for (let bit = 0; bit < 8; bit++) {
    c8 = (c8 & 0x80 ? (c8 << 1) ^ 0x07 : c8 << 1) & 0xff; // x^8 + x^2 + x + 1
    c16 = (c16 & 0x8000 ? (c16 << 1) ^ 0x8005 : c16 << 1) & 0xffff; // x^16 + x^15 + x^2 + 1
  }
  CRC8_TABLE[i] = c8;
  CRC16_TABLE[i] = c16;
}

/** CRC-8 of a frame header (polynomial 0x07, initial value 0). */
export function flacCrc8(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = CRC8_TABLE[crc ^ byte]!;
  return crc;
}

function flacCrc16Step(crc: number, byte: number): number {
  return ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >> 8) ^ byte]!;
}

/** CRC-16 of a frame (polynomial 0x8005, initial value 0); 0 over a whole frame with its footer. */
export function flacCrc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = flacCrc16Step(crc, byte);
  return crc;
}

const FIXED_BLOCK_SIZES = [0, 192, 576, 1152, 2304, 4608, -1, -2, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];

/** Parses and checks (CRC-8) the frame header at `p`; undefined when there is none. */
export function readFlacFrameHeader(bytes: Uint8Array, p: number): FrameHeader | undefined {
  if (p + 6 > bytes.length || bytes[p] !== 0xff || (bytes[p + 1]! & 0xfe) !== 0xf8) return undefined;
  const variableBlockSize = (bytes[p + 1]! & 1) === 1;
  const blockCode = bytes[p + 2]! >> 4;
  const rateCode = bytes[p + 2]! & 0x0f;
  const channelCode = bytes[p + 3]! >> 4;
  const sizeCode = (bytes[p + 3]! >> 1) & 0x07;
  if (blockCode === 0 || rateCode === 0x0f || channelCode > 10 || sizeCode === 3 || (bytes[p + 3]! & 1) !== 0) return undefined;
  // Coded number: UTF-8-style, 1 to 6 (fixed) or 7 (variable) bytes.
  let q = p + 4;
  const lead = bytes[q]!;
  let extra: number;
  if (lead < 0x80) extra = 0;
  else if (lead >= 0xc0 && lead < 0xe0) extra = 1;
  else if (lead >= 0xe0 && lead < 0xf0) extra = 2;
  else if (lead >= 0xf0 && lead < 0xf8) extra = 3;
  else if (lead >= 0xf8 && lead < 0xfc) extra = 4;
  else if (lead >= 0xfc && lead < 0xfe) extra = 5;
  else if (lead === 0xfe && variableBlockSize) extra = 6;
  else return undefined;
  let number = extra === 0 ? lead : lead & (0x3f >> extra);
  q++;
  for (let i = 0; i < extra; i++, q++) {
    if (q >= bytes.length || (bytes[q]! & 0xc0) !== 0x80) return undefined;
    number = number * 64 + (bytes[q]! & 0x3f);
  }
  let blockSize = FIXED_BLOCK_SIZES[blockCode]!;
  if (blockSize === -1) blockSize = bytes[q++]! + 1;
  else if (blockSize === -2) {
    blockSize = ((bytes[q]! << 8) | bytes[q + 1]!) + 1;
    q += 2;
  }
  if (rateCode === 12) q += 1;
  else if (rateCode === 13 || rateCode === 14) q += 2;
  if (q >= bytes.length) return undefined;
  if (flacCrc8(bytes.subarray(p, q)) !== bytes[q]) return undefined;
  return { length: q + 1 - p, variableBlockSize, number, blockSize };
}

/** Offset of the first frame: after an optional ID3v2 tag, "fLaC" and the metadata blocks. */
function audioStart(bytes: Uint8Array, skip: number): number {
  let p = skip + 4;
  for (;;) {
    if (p + 4 > bytes.length) throw new CorruptAudioError("flac", "FLAC", "metadata blocks run past the end of the file");
    const last = (bytes[p]! & 0x80) !== 0;
    p += 4 + ((bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!);
    if (p > bytes.length) throw new CorruptAudioError("flac", "FLAC", "metadata blocks run past the end of the file");
    if (last) return p;
  }
}

/**
 * Every frame of a native FLAC stream, as views into `bytes`. A frame ends where its CRC-16
 * footer checks and either the file ends or the next frame's header (valid CRC-8) starts. Throws when a frame cannot be closed (truncated or corrupt
 * data) or the audio does not start with a frame header: never drops data silently.
 * `skip` is the length of a leading ID3v2 tag.
 */
export function splitFlacFrames(bytes: Uint8Array, skip = 0): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let p = audioStart(bytes, skip);
  while (p < bytes.length) {
    const header = readFlacFrameHeader(bytes, p);
    if (header === undefined) throw new CorruptAudioError("flac", "FLAC", `no FLAC frame header at byte ${p} (frame ${frames.length})`);
    let crc = 0;
    let end = -1;
    for (let q = p; q < bytes.length; q++) {
      // Smallest frame: header, one 1-byte subframe header, CRC-16. The first place where the
      // CRC-16 so far is 0 and a valid header of the same blocking strategy starts is the end
      // (the chance of a false match is about 2^-16 · 2^-8 per sync pattern in the data).
      if (q >= p + header.length + 3 && crc === 0 && bytes[q] === 0xff) {
        const next = readFlacFrameHeader(bytes, q);
        if (next !== undefined && next.variableBlockSize === header.variableBlockSize) {
          end = q;
          break;
        }
      }
      crc = flacCrc16Step(crc, bytes[q]!);
    }
    if (end < 0 && crc === 0) end = bytes.length;
    if (end < 0) throw new CorruptAudioError("flac", "FLAC", `FLAC frame ${frames.length} at byte ${p} has no valid end (truncated or corrupt)`);
    frames.push(bytes.subarray(p, end));
    p = end;
  }
  return frames;
}
