import { defineAutosingConfig } from "@autosing/vitest-config";

export default defineAutosingConfig();
