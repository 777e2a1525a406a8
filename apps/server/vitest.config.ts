import { defineAutosingConfig } from "@autosing/vitest-config";

// The sing fixtures (tiny models, a song, a dataset) are made once per run for every test file.
export default defineAutosingConfig({ test: { globalSetup: ["test/helpers/global-sing-fixtures.ts"] } });
