import { describe, expect, it } from "vitest";

import { Rng } from "./rng.js";

describe("Rng", () => {
  it("gives independent streams for different seeds and keys, equal streams for equal ones", () => {
    const draw = (rng: Rng): number[] => Array.from({ length: 4 }, () => rng.next());
    const streams = [Rng.derive(7, 0), Rng.derive(8, 0), Rng.derive(7, 1), Rng.derive(0, 7), Rng.derive(7)].map(draw);
    const keys = new Set(streams.map((s) => s.join(",")));
    expect(keys.size).toBe(streams.length);
    expect(draw(Rng.derive(7, 0))).toEqual(streams[0]);
  });

  it("stays in range", () => {
    const rng = new Rng(1);
    for (let i = 0; i < 1000; i++) {
      const v = rng.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      const k = rng.int(3, 5);
      expect(k >= 3 && k <= 5).toBe(true);
    }
  });
});
