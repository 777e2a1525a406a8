/**
 * The temporaries this process is writing, so an interrupt can take them away. Every name
 * {@link temporaryPathFor} hands out is tracked until it is settled (renamed into place or
 * removed); an interrupted run removes those that still exist, synchronously, before it exits.
 * A name is unique to this process (host, pid and a counter), so removing it never touches
 * another writer's file, and a name already renamed into place no longer exists. Cleanups that
 * are not temporaries (a folder a run created and would leave empty) register with
 * {@link whenInterrupted}.
 */
import { existsSync, rmSync } from "node:fs";

const live = new Set<string>();
const cleanups = new Set<() => void>();

/** Records a temporary name this process is about to write (called by `temporaryPathFor`). */
export function trackTemporary(path: string): void {
  live.add(path);
}

/** Forgets a temporary that was renamed into place or removed: nothing is left to clean. */
export function settleTemporary(path: string): void {
  live.delete(path);
}

/**
 * Registers `cleanup` to run when the process is interrupted (see {@link cleanUpAfterInterrupt});
 * returns the function that unregisters it, which the caller calls once the work is done.
 * Cleanups run synchronously, after the temporaries are removed, latest registered first.
 */
export function whenInterrupted(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/**
 * Removes every temporary file and scratch folder this process still has under a temporary name
 * and runs the registered cleanups, synchronously: what a signal handler calls before it exits.
 * Returns the removed paths. Never throws (a temporary that cannot be removed is left to
 * `removeStaleTemporaries` of the next run).
 */
export function cleanUpAfterInterrupt(): string[] {
  const removed: string[] = [];
  for (const path of live) {
    try {
      if (existsSync(path)) {
        rmSync(path, { recursive: true, force: true });
        removed.push(path);
      }
    } catch {
      // Left for the next run's removeStaleTemporaries, which knows this pid is dead.
    }
    live.delete(path);
  }
  // Latest first, as a stack unwinds: a folder's contents go before the folder.
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // A cleanup is best effort: the process is exiting either way.
    }
  }
  cleanups.clear();
  return removed;
}
