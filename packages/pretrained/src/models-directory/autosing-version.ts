import { createRequire } from "node:module";

/** This package's version: what a manifest entry records as `autosing` unless the caller (the CLI) passes its own. */
export const PRETRAINED_VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
