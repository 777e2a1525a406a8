import { defineConfig, mergeConfig } from "vitest/config";

/**
 * The preset every package's vitest.config.ts starts from: co-located `*.test.ts`
 * under src/ and test/, forked workers (native addons such as onnxruntime-node are
 * not thread-safe to load in worker_threads), and timeouts sized for our 2-core CI.
 */
export const autosingPreset = defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    passWithNoTests: false,
    reporters: ["default"],
  },
});

/** Merge package-specific settings onto the preset. */
export function defineAutosingConfig(overrides = {}) {
  return mergeConfig(autosingPreset, defineConfig(overrides));
}
