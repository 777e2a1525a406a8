/**
 * The few protobuf messages an event file of scalars needs, encoded by hand (no schema
 * compiler at run time). Field numbers and wire types are TensorBoard's
 * `tensorboard/compat/proto/event.proto` and `summary.proto`:
 * Event { double wall_time = 1; int64 step = 2; oneof what { string file_version = 3; Summary summary = 5; } }
 * Summary { repeated Value value = 1; } Value { string tag = 1; oneof value { float simple_value = 2; } }
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** A growable byte buffer with the protobuf primitives. */
class ProtoWriter {
  private bytes: number[] = [];

  private varint(value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement (ten bytes), as protobuf does.
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private key(field: number, wireType: number): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  double(field: number, value: number): this {
    this.key(field, WIRE_FIXED64);
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.bytes.push(view.getUint8(i));
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.bytes.push(view.getUint8(i));
    return this;
  }

  int64(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.varint(BigInt(value));
    return this;
  }

  bytesField(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.varint(BigInt(value.length));
    for (const byte of value) this.bytes.push(byte);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** `Event { wall_time, step: 0, file_version }`: the first record of every event file. */
export function fileVersionEvent(wallTime: number, version = "brain.Event:2"): Uint8Array {
  return new ProtoWriter().double(1, wallTime).int64(2, 0).string(3, version).finish();
}

/** `Event { wall_time, step, summary { value: [{ tag, simple_value }, …] } }`. */
export function scalarsEvent(wallTime: number, step: number, scalars: readonly { tag: string; value: number }[]): Uint8Array {
  const summary = new ProtoWriter();
  for (const { tag, value } of scalars) summary.bytesField(1, new ProtoWriter().string(1, tag).float(2, value).finish());
  return new ProtoWriter().double(1, wallTime).int64(2, step).bytesField(5, summary.finish()).finish();
}
