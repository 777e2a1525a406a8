/** Token spans in 100 Hz song frames, `[start, end)`, edited in place. */
export interface FrameSpans {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export interface PauseSnapOptions {
  /** A quiet run at least this many frames long counts as a pause (default 15: 150 ms). */
  readonly minPauseFrames?: number;
  /**
   * Most loud frames a word may have before the pause for its start to move past it, as a share
   * of the word's loud frames (default 0.3) and never more than `maxLeadFrames` (default 12).
   */
  readonly maxLeadShare?: number;
  readonly maxLeadFrames?: number;
}

/**
 * Moves word starts that the warp left on the tail of the previous word across the pause that
 * follows it. Quiet frames are left out of the warp, so the last loud frames before a pause and
 * the first loud frames after it are neighbours there; when the singer pauses where the
 * synthesis runs on, the warp often hands the previous word's last frames to the next word, and
 * that word then "starts" a whole pause early (on issue #13's shifted-voice set this was every
 * word error above 200 ms). A word whose span holds a pause after only a few loud frames starts
 * after that pause instead, its earlier tokens squeezed to that point, and the previous token
 * ends where the pause begins.
 *
 * `wordStarts[k]` is true for the first token of each word; `quiet` is the song's per-frame
 * quietness mask.
 */
export function snapWordStartsPastPauses(
  spans: FrameSpans,
  wordStarts: readonly boolean[],
  quiet: readonly boolean[],
  options: PauseSnapOptions = {},
): void {
  const { minPauseFrames = 15, maxLeadShare = 0.3, maxLeadFrames = 12 } = options;
  const tokens = spans.starts.length;
  const firsts: number[] = [];
  for (let k = 0; k < tokens; k++) if (wordStarts[k] === true) firsts.push(k);
  firsts.forEach((first, w) => {
    const nextFirst = firsts[w + 1] ?? tokens;
    const from = spans.starts[first] ?? 0;
    const to = Math.max(from + 1, nextFirst < tokens ? (spans.starts[nextFirst] ?? from + 1) : (spans.ends[tokens - 1] ?? from + 1));
    let loud = 0;
    for (let t = from; t < to; t++) if (quiet[t] !== true) loud++;
    const maxLead = Math.min(maxLeadFrames, Math.floor(maxLeadShare * loud));
    // The first pause inside the word's span, and the loud frames before it.
    let lead = 0;
    let t = from;
    while (t < to && lead <= maxLead) {
      if (quiet[t] !== true) {
        lead++;
        t++;
        continue;
      }
      let runEnd = t;
      while (runEnd < to && quiet[runEnd] === true) runEnd++;
      if (runEnd - t >= minPauseFrames && runEnd < to) {
        moveWordStart(spans, first, nextFirst, t, runEnd);
        return;
      }
      t = runEnd;
    }
  });
}

/** The word's tokens start no earlier than `after`; the token before it ends by `pauseStart`. */
function moveWordStart(spans: FrameSpans, first: number, nextFirst: number, pauseStart: number, after: number): void {
  for (let k = first; k < nextFirst; k++) {
    if ((spans.starts[k] ?? 0) >= after) break;
    spans.starts[k] = after;
    spans.ends[k] = Math.max(spans.ends[k] ?? 0, after + 1);
  }
  const previous = first - 1;
  if (previous >= 0 && (spans.ends[previous] ?? 0) > pauseStart) spans.ends[previous] = Math.max((spans.starts[previous] ?? 0) + 1, pauseStart);
}
