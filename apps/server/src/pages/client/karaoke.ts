/**
 * The aligned lyrics as a karaoke line: one span per word, the word being sung highlighted
 * (`current`, `aria-current`) and the words already sung dimmed, following an `<audio>`'s
 * playback (timeupdate, and every animation frame while it plays).
 */
export interface TimedWords {
  readonly words: readonly string[];
  readonly starts: ArrayLike<number>;
  readonly ends: ArrayLike<number>;
}

export class KaraokeLine {
  private readonly spans: HTMLSpanElement[];
  private current = -1;

  constructor(
    readonly element: HTMLElement,
    private readonly timed: TimedWords,
  ) {
    element.classList.add("karaoke");
    element.replaceChildren();
    this.spans = timed.words.map((word, i) => {
      const span = document.createElement("span");
      span.textContent = word === "" ? "…" : word;
      span.dataset.start = String(timed.starts[i]);
      element.append(span, " ");
      return span;
    });
  }

  /** Highlights the word sung at `time` seconds (none between words). */
  update(time: number): void {
    let current = -1;
    this.spans.forEach((span, i) => {
      const start = this.timed.starts[i] ?? Number.NaN;
      const end = this.timed.ends[i] ?? Number.NaN;
      const sung = end <= time;
      if (start <= time && time < end) current = i;
      span.classList.toggle("sung", sung);
    });
    if (current === this.current) return;
    this.spans[this.current]?.classList.remove("current");
    this.spans[this.current]?.removeAttribute("aria-current");
    this.spans[current]?.classList.add("current");
    this.spans[current]?.setAttribute("aria-current", "true");
    this.current = current;
  }

  /** Follows `audio` while it plays. */
  follow(audio: HTMLAudioElement): void {
    let frame = 0;
    const tick = (): void => {
      this.update(audio.currentTime);
      if (!audio.paused && !audio.ended) frame = requestAnimationFrame(tick);
    };
    audio.addEventListener("timeupdate", () => this.update(audio.currentTime));
    audio.addEventListener("play", () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(tick);
    });
    audio.addEventListener("seeked", () => this.update(audio.currentTime));
  }
}
