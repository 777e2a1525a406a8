import { createRequire } from "node:module";

/** The autosing CLI's version (what `--version` prints and a models manifest records). */
export const CLI_VERSION = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
