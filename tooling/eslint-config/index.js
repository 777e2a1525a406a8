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
);
