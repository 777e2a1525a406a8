import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { INFERENCE_PACKAGES, LAYERS, TOOLING_PACKAGES, layerOf } from "../layers.js";

// The package graph as package.json files declare it (what npm installs), checked against the
// layer table: lint sees source imports, this sees dependencies, including ones nothing imports.

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Every workspace package.json (the globs of pnpm-workspace.yaml: packages/*, apps/*, tooling/*). */
function workspaceManifests(): Map<string, Manifest> {
  const manifests = new Map<string, Manifest>();
  for (const group of ["packages", "apps", "tooling"]) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      const file = join(root, group, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
      manifests.set(manifest.name, manifest);
    }
  }
  return manifests;
}

const manifests = workspaceManifests();

/** What installing a package installs: `dependencies`, `optionalDependencies` and `peerDependencies`. */
function productionDependencies(manifest: Manifest): string[] {
  return Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies });
}

/**
 * The production dependency closure of a workspace package: its production dependencies,
 * followed through workspace packages (external packages are listed, not followed).
 */
function productionClosure(name: string): Set<string> {
  const closure = new Set<string>();
  const pending = [name];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const manifest = manifests.get(current);
    if (manifest === undefined) continue;
    for (const dependency of productionDependencies(manifest)) {
      if (closure.has(dependency)) continue;
      closure.add(dependency);
      pending.push(dependency);
    }
  }
  return closure;
}

const ESPEAK_BUILD = "@echogarden/espeak-ng-emscripten";

describe("the package graph", () => {
  it("keeps processing, alignment and eSpeak-NG (GPL-3.0) out of what installing @autosing/sing installs (ADR 0004)", () => {
    const closure = productionClosure("@autosing/sing");
    // The walk does follow workspace packages: onnx and safetensors come only through others.
    expect(closure).toContain("@autosing/onnx");
    expect(closure).toContain("@autosing/safetensors");
    for (const forbidden of ["@autosing/espeak", "@autosing/processing", "@autosing/lrc-align", ESPEAK_BUILD]) {
      expect(closure, `@autosing/sing depends on ${forbidden}`).not.toContain(forbidden);
    }
  });

  it("keeps the inference path closed: its packages install only each other, never the eSpeak build", () => {
    const leaks: string[] = [];
    for (const name of INFERENCE_PACKAGES) {
      for (const dependency of productionClosure(name)) {
        const outside = manifests.has(dependency) && !INFERENCE_PACKAGES.includes(dependency);
        if (outside || dependency === ESPEAK_BUILD) leaks.push(`${name} → ${dependency}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("gives every workspace package one layer, and names no package that does not exist", () => {
    const listed = LAYERS.flatMap((layer) => layer.packages);
    expect(new Set(listed).size, "a package is listed in two layers").toBe(listed.length);
    const unplaced = [...manifests.keys()].filter((name) => !TOOLING_PACKAGES.includes(name) && layerOf(name) === undefined);
    expect(unplaced, "add these to tooling/eslint-config/layers.js").toEqual([]);
    expect(listed.filter((name) => !manifests.has(name))).toEqual([]);
    expect(INFERENCE_PACKAGES.filter((name) => !manifests.has(name))).toEqual([]);
  });

  it("has no dependency edge, dev dependencies included, that points up or sideways in the layer order", () => {
    const edges: string[] = [];
    for (const manifest of manifests.values()) {
      const from = layerOf(manifest.name);
      if (from === undefined) continue;
      for (const dependency of [...productionDependencies(manifest), ...Object.keys(manifest.devDependencies ?? {})]) {
        const to = layerOf(dependency);
        if (to !== undefined && to.index <= from.index) edges.push(`${manifest.name} (${from.name}) → ${dependency} (${to.name})`);
      }
    }
    expect(edges, "see docs/decisions/0005-layer-order.md").toEqual([]);
  });
});
