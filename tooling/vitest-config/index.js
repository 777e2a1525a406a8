import { defineConfig, mergeConfig } from "vitest/config";

/**
 * The preset every package's vitest.config.ts starts from: co-located `*.test.ts`
 * under src/ and test/, forked workers (native addons such as onnxruntime-node are
 * not thread-safe to load in worker_threads), and timeouts sized for our 2-core CI,
 * where turbo runs several packages' suites at once: a tiny training run that takes 20 s
 * alone can take minutes there. Timeouts catch hangs; speed belongs in the benches.
 */
export const autosingPreset = defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    // One module graph per worker process, shared by the files it runs: each file used to load
    // tfjs, onnxruntime and the CLI's whole package tree again (≈5 s per file on CI's 2 cores,
    // most of a light file's time). Tests therefore must not mock modules (vi.mock) or leave
    // global state behind (a test that needs a tfjs backend sets it in its own beforeAll).
    isolate: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    passWithNoTests: false,
    reporters: ["default"],
  },
});

/** Merge package-specific settings onto the preset. */
export function defineAutosingConfig(overrides = {}) {
  return mergeConfig(autosingPreset, defineConfig(overrides));
}
