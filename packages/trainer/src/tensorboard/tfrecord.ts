import { maskedCrc32c } from "./crc32c.js";

/**
 * One TFRecord: uint64 length (little-endian), the masked CRC-32C of those 8 bytes, the payload,
 * the masked CRC-32C of the payload (tensorflow/core/lib/io/record_writer.cc).
 */
export function tfRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + payload.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(payload.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(payload, 12);
  view.setUint32(12 + payload.length, maskedCrc32c(payload), true);
  return out;
}
