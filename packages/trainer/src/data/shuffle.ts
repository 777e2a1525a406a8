import type { Xoshiro128 } from "@autosing/base";

/**
 * The run's shuffle buffer: upstream train.py shuffles the samples of all data workers once more
 * in the main process, `shuffle(1024 × --shufbuf)` with `--shufbuf 64`.
 */
export const RUN_SHUFFLE_BUFFER_SAMPLES = 64 * 1024;

/**
 * Port of autosing/simple_dataset.py: SimpleDataset.shuffle — a bounded shuffle buffer: fill
 * it, shuffle it, then for each new item emit a random slot and put the item there. Memory is
 * `size` items whatever the stream's length. Deliberate difference: upstream emits the final
 * buffer twice (once as is, once reshuffled), which repeats up to `size` samples per epoch;
 * here it is emitted once, shuffled.
 */
export async function* shuffleBuffer<T>(items: AsyncIterable<T>, size: number, rng: Xoshiro128): AsyncGenerator<T> {
  if (size <= 1) {
    yield* items;
    return;
  }
  const buffer: T[] = [];
  const iterator = items[Symbol.asyncIterator]();
  let filled = false;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    if (!filled) {
      buffer.push(next.value);
      if (buffer.length === size) {
        rng.shuffle(buffer);
        filled = true;
      }
      continue;
    }
    const slot = rng.nextInt(size);
    yield buffer[slot] as T;
    buffer[slot] = next.value;
  }
  rng.shuffle(buffer);
  yield* buffer;
}
