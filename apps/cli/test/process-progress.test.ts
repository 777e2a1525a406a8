/** The progress lines of `autosing process`: per row with --progress, else at most one per interval. */
import { describe, expect, it } from "vitest";

import { progressLine, progressReporter } from "../src/process/progress.js";

const at = (done: number) => ({ step: "align" as const, partition: 3, done, total: 10, id: `song-${done}` });

describe("process progress", () => {
  it("writes row i of n and rows per second", () => {
    expect(progressLine(at(4), 8)).toBe("align partition 3: row 4/10 (id song-4), 0.50 rows/s\n");
    expect(progressLine(at(1), 0)).toBe("align partition 3: row 1/10 (id song-1), 0.00 rows/s\n");
  });

  it("without --progress writes a line only when the interval has passed since the last", () => {
    let clock = 0;
    const lines: string[] = [];
    const report = progressReporter({ everyRow: false, everySeconds: 30 }, (line) => lines.push(line), () => clock)!;
    for (const [time, done] of [[10_000, 1], [31_000, 2], [40_000, 3], [62_000, 4]] as const) {
      clock = time;
      report(at(done));
    }
    expect(lines).toEqual(["align partition 3: row 2/10 (id song-2), 0.06 rows/s\n", "align partition 3: row 4/10 (id song-4), 0.06 rows/s\n"]);
  });

  it("with --progress writes every row; --progress-every 0 turns the lines off", () => {
    const lines: string[] = [];
    const report = progressReporter({ everyRow: true, everySeconds: 30 }, (line) => lines.push(line), () => 0)!;
    report(at(1));
    report(at(2));
    expect(lines.length).toBe(2);
    expect(progressReporter({ everyRow: false, everySeconds: 0 }, () => undefined)).toBeUndefined();
  });
});
