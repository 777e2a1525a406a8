import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { INFERENCE_PACKAGES, LAYER_ORDER, TOOLING_PACKAGES, autosingPackageOf, layerOf } from "./layers.js";

/**
 * Two rules keyed by package name, on top of the table in layers.js (ADR 0005):
 * - `layer-order`: an import of `@autosing/<x>` from a package of the same or a lower layer;
 * - `inference-imports`: published code of an inference package importing a package that is
 *   not on the inference path (which is how eSpeak-NG, GPL-3.0, would get in: ADR 0004).
 * The importing package is the `name` of the nearest package.json above the linted file;
 * files of packages outside the table (tooling, fixtures) are not checked.
 */

const packageNameByDirectory = new Map();

/** The `name` of the nearest package.json at or above `directory`, cached per directory. */
function owningPackage(directory) {
  if (packageNameByDirectory.has(directory)) return packageNameByDirectory.get(directory);
  let name;
  try {
    name = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")).name ?? null;
  } catch {
    const parent = dirname(directory);
    name = parent === directory ? null : owningPackage(parent);
  }
  packageNameByDirectory.set(directory, name);
  return name;
}

/** Calls `check(specifier, node)` for every static or dynamic import and re-export with a string source. */
function importVisitors(check) {
  const fromLiteral = (node) => {
    if (node?.type === "Literal" && typeof node.value === "string") check(node.value, node);
    else if (node?.type === "TemplateLiteral" && node.expressions.length === 0) check(node.quasis[0].value.cooked, node);
  };
  return {
    ImportDeclaration: (node) => fromLiteral(node.source),
    ExportNamedDeclaration: (node) => fromLiteral(node.source),
    ExportAllDeclaration: (node) => fromLiteral(node.source),
    ImportExpression: (node) => fromLiteral(node.source),
    // `import("@autosing/x").Type` in type positions.
    TSImportType: (node) => fromLiteral(node.argument?.type === "TSLiteralType" ? node.argument.literal : node.argument),
  };
}

const layerOrder = {
  meta: {
    type: "problem",
    docs: { description: "Imports of @autosing packages point down the layer order of docs/decisions/0005-layer-order.md." },
    schema: [],
    messages: {
      upward:
        '{{importer}} (layer "{{importerLayer}}") must not import {{target}} (layer "{{targetLayer}}"): imports point down the layer order {{order}} (docs/decisions/0005-layer-order.md).',
      sideways:
        '{{importer}} and {{target}} are both in layer "{{layer}}": a package imports only packages of lower layers ({{order}}; docs/decisions/0005-layer-order.md). If the edge is right, give one of them its own layer in tooling/eslint-config/layers.js.',
      unknown: "{{target}} has no layer in tooling/eslint-config/layers.js: give it one (docs/decisions/0005-layer-order.md).",
    },
  },
  create(context) {
    const importer = owningPackage(dirname(context.filename));
    const importerLayer = importer === null ? undefined : layerOf(importer);
    if (importerLayer === undefined) return {};
    return importVisitors((specifier, node) => {
      const target = autosingPackageOf(specifier);
      if (target === undefined || target === importer || TOOLING_PACKAGES.includes(target)) return;
      const targetLayer = layerOf(target);
      if (targetLayer === undefined) {
        context.report({ node, messageId: "unknown", data: { target } });
      } else if (targetLayer.index === importerLayer.index) {
        context.report({ node, messageId: "sideways", data: { importer, target, layer: targetLayer.name, order: LAYER_ORDER } });
      } else if (targetLayer.index < importerLayer.index) {
        context.report({
          node,
          messageId: "upward",
          data: { importer, importerLayer: importerLayer.name, target, targetLayer: targetLayer.name, order: LAYER_ORDER },
        });
      }
    });
  },
};

const inferenceImports = {
  meta: {
    type: "problem",
    docs: { description: "Published code of the inference path imports only inference packages (no eSpeak-NG, GPL-3.0: ADR 0004)." },
    schema: [],
    messages: {
      outside:
        "{{importer}} is on the inference path (sing, the models and what they run on) and may import only packages on it; {{target}} is not: it links eSpeak-NG (GPL-3.0) or needs what does (docs/decisions/0004-espeak-gpl.md). Move what it needs into a GPL-free package.",
    },
  },
  create(context) {
    const importer = owningPackage(dirname(context.filename));
    if (importer === null || !INFERENCE_PACKAGES.includes(importer)) return {};
    return importVisitors((specifier, node) => {
      const target = autosingPackageOf(specifier);
      if (target === undefined || TOOLING_PACKAGES.includes(target) || INFERENCE_PACKAGES.includes(target)) return;
      // A package without a layer is layer-order's to report.
      if (layerOf(target) === undefined) return;
      context.report({ node, messageId: "outside", data: { importer, target } });
    });
  },
};

/** The `autosing` ESLint plugin. */
export const layerPlugin = {
  meta: { name: "@autosing/eslint-config/layers" },
  rules: { "layer-order": layerOrder, "inference-imports": inferenceImports },
};
