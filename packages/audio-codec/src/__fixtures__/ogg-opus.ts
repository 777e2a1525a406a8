import OpusScript from "opusscript";

/** CRC-32 of Ogg pages: polynomial 0x04c11db7, not reflected, initial value 0 (RFC 3533). */
function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

function oggPage(packet: Uint8Array, options: { serial: number; sequence: number; granule: number; headerType: number }): Uint8Array {
  const segments: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    segments.push(255);
    left -= 255;
  }
  segments.push(left);
  const page = new Uint8Array(27 + segments.length + packet.length);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53]); // "OggS"
  page[5] = options.headerType;
  view.setBigInt64(6, BigInt(options.granule), true);
  view.setUint32(14, options.serial, true);
  view.setUint32(18, options.sequence, true);
  page[26] = segments.length;
  page.set(segments, 27);
  page.set(packet, 27 + segments.length);
  view.setUint32(22, oggCrc(page), true);
  return page;
}

/**
 * An Ogg Opus file (RFC 7845: OpusHead, OpusTags, one 20 ms packet per page) of `samples`
 * (mono, 48 kHz) encoded by libopus through opusscript. Test fixture: there is no maintained
 * npm Ogg Opus file encoder, so we mux the packets ourselves.
 */
export function encodeOggOpus(samples: Float32Array): Uint8Array {
  const encoder = new OpusScript(48000, 1, OpusScript.Application.AUDIO);
  const frame = 960;
  const preSkip = 312;
  const head = new Uint8Array(19);
  head.set(Array.from("OpusHead", (c) => c.charCodeAt(0)));
  const headView = new DataView(head.buffer);
  head[8] = 1;
  head[9] = 1;
  headView.setUint16(10, preSkip, true);
  headView.setUint32(12, 48000, true);
  const vendor = "autosing-test";
  const tags = new Uint8Array(8 + 4 + vendor.length + 4);
  tags.set(Array.from("OpusTags", (c) => c.charCodeAt(0)));
  new DataView(tags.buffer).setUint32(8, vendor.length, true);
  tags.set(Array.from(vendor, (c) => c.charCodeAt(0)), 12);
  const serial = 0x5eed;
  const pages = [oggPage(head, { serial, sequence: 0, granule: 0, headerType: 2 }), oggPage(tags, { serial, sequence: 1, granule: 0, headerType: 0 })];
  const frames = Math.ceil(samples.length / frame);
  for (let f = 0; f < frames; f++) {
    const pcm = Buffer.alloc(frame * 2);
    for (let i = 0; i < frame; i++) {
      const v = samples[f * frame + i] ?? 0;
      pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), i * 2);
    }
    const packet = new Uint8Array(encoder.encode(pcm, frame));
    const last = f === frames - 1;
    const granule = last ? preSkip + samples.length : preSkip + (f + 1) * frame;
    pages.push(oggPage(packet, { serial, sequence: 2 + f, granule, headerType: last ? 4 : 0 }));
  }
  encoder.delete();
  const out = new Uint8Array(pages.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const page of pages) {
    out.set(page, offset);
    offset += page.length;
  }
  return out;
}
