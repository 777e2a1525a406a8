import type { UserConfig } from "vitest/config";

export declare const autosingPreset: UserConfig;
export declare function defineAutosingConfig(overrides?: UserConfig): UserConfig;
