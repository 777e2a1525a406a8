/**
 * The models a worker process keeps loaded between jobs: loading a network costs seconds, a job
 * of the tiny exports costs less, so a worker loads each model once and keeps it warm. Keyed by
 * what was loaded (a models directory and a role), so every job kind shares one cache.
 */

/** Anything loaded that holds native sessions. */
export interface Disposable {
  dispose(): Promise<void> | void;
}

export class WarmModels {
  private readonly loaded = new Map<string, Promise<unknown>>();
  private readonly descriptions = new Map<string, string>();

  /** The value under `key`, loaded by `load` on first use; a failed load is forgotten, so the next job retries it. */
  async get<T>(key: string, description: string, load: () => Promise<T>): Promise<T> {
    let pending = this.loaded.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = load();
      this.loaded.set(key, pending);
      this.descriptions.set(key, description);
      pending.catch(() => {
        this.loaded.delete(key);
        this.descriptions.delete(key);
      });
    }
    return pending;
  }

  /** Key → description of every model loaded now (the health endpoint's `models`). */
  describe(): Record<string, string> {
    return Object.fromEntries(this.descriptions);
  }

  /** Releases every native session (worker shutdown). */
  async dispose(): Promise<void> {
    const values = await Promise.allSettled(this.loaded.values());
    this.loaded.clear();
    this.descriptions.clear();
    for (const value of values) {
      if (value.status !== "fulfilled") continue;
      const candidate = value.value as Partial<Disposable> | undefined;
      if (typeof candidate?.dispose === "function") await candidate.dispose();
    }
  }
}
