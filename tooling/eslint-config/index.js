import { fileURLToPath } from "node:url";

import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

import { layerPlugin } from "./layer-rules.js";

/**
 * Package boundaries (DESIGN.md §2, STYLE.md): a package reaches another only through
 * its published entry points (`@autosing/<name>` or an `exports` subpath), never through
 * its `src/` or `dist/` files, modules inside a package form no import cycle, and packages
 * import only packages of lower layers (layers.js, docs/decisions/0005-layer-order.md).
 */
const boundaryRules = {
  "no-restricted-imports": [
    "error",
    {
      patterns: [
        {
          group: ["@autosing/*/src", "@autosing/*/src/**", "@autosing/*/dist", "@autosing/*/dist/**"],
          message: "Import another package through its entry point (`@autosing/<name>`), not its files.",
        },
        {
          group: ["**/packages/*/src/**", "**/apps/*/src/**", "../../packages/**", "../../apps/**", "../../../packages/**"],
          message: "Do not reach into another package's sources; add a workspace dependency and import its entry point.",
        },
      ],
    },
  ],
  "import-x/no-cycle": ["error", { maxDepth: 10, ignoreExternal: true }],
  "import-x/no-self-import": "error",
  "autosing/layer-order": "error",
};

/**
 * File size (STYLE.md: one concept per file): a file over 350 lines of code holds several ideas.
 * Blank lines and comments do not count, so documenting a file never pushes it over. Test files
 * have the same limit: none comes near it, and a long test file is as hard to read as a long module.
 */
export const MAX_LINES = 350;

/** Files that should stay whole however long they get, by path from the repository root, each with its reason. */
export const MAX_LINES_EXCEPTIONS = [
  { file: "packages/song-corpus/src/vocabulary.generated.ts", reason: "written by scripts/generate-vocabulary.mjs: its length is the vocabulary's" },
];

/** The `max-lines` block, named so that a test can swap it; `exceptions` default to MAX_LINES_EXCEPTIONS. */
export function maxLinesBlock(exceptions = MAX_LINES_EXCEPTIONS) {
  return {
    name: "autosing/max-lines",
    // Exception paths are from the repository root, whichever package's eslint runs.
    basePath: fileURLToPath(new URL("../../", import.meta.url)),
    ignores: exceptions.map((exception) => exception.file),
    rules: { "max-lines": ["error", { max: MAX_LINES, skipBlankLines: true, skipComments: true }] },
  };
}

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "**/*.d.ts", "**/__fixtures__/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // import-x's TypeScript preset registers the plugin and tells it how to parse the modules it
  // follows (without it the cycle check silently sees no imports in .ts files).
  importX.flatConfigs.typescript,
  { plugins: { autosing: layerPlugin } },
  {
    settings: {
      // The TypeScript resolver maps NodeNext-style `./module.js` specifiers to their `.ts` sources,
      // which the cycle check needs to follow imports inside a package.
      "import-x/resolver-next": [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: {
      ...boundaryRules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Published code only: the tests and benches of inference packages may use the synthetic
    // corpus (which sings with eSpeak); what users install may not.
    files: ["**/src/**/*.ts"],
    ignores: ["**/*.test.ts", "**/__fixtures__/**"],
    rules: { "autosing/inference-imports": "error" },
  },
  maxLinesBlock(),
);
