/** The replica module of `replicas-bench.ts`' tiny LM (its shape must match the bench's). */
import { TinyLm } from "../test/fixtures/tiny-lm.js";

export function createReplicaModel(): TinyLm {
  return new TinyLm(512, 128, 512, 1, 0);
}
