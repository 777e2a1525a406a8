import { fileURLToPath } from "node:url";

import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

import config from "../index.js";

/** Lints one file of a fixture package (named like a real one) and returns its autosing/* messages. */
async function lint(fixturePackage: string, file: string) {
  const cwd = fileURLToPath(new URL(`./__fixtures__/layers/${fixturePackage}/`, import.meta.url));
  // The shared config ignores __fixtures__ for packages; here the fixtures are the subject.
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config, ignore: false });
  const [result] = await eslint.lintFiles([file]);
  return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith("autosing/")).map((m) => ({ rule: m.ruleId, message: m.message }));
}

describe("@autosing/eslint-config layer rules", () => {
  it("flags an import of a package in a higher layer, naming both layers, the order and the ADR", async () => {
    const messages = await lint("audio-codec", "src/upward.ts");
    expect(messages).toHaveLength(1);
    expect(messages[0]?.rule).toBe("autosing/layer-order");
    expect(messages[0]?.message).toContain('@autosing/audio-codec (layer "audio and datasets") must not import @autosing/nn (layer "neural building blocks")');
    expect(messages[0]?.message).toContain("CLI → server → processing steps → importers → pipelines → models → neural building blocks");
    expect(messages[0]?.message).toContain("docs/decisions/0005-layer-order.md");
  });

  it("flags lazy imports and re-exports too", async () => {
    const messages = await lint("audio-codec", "src/upward-dynamic.ts");
    expect(messages.map((m) => m.rule)).toEqual(["autosing/layer-order", "autosing/layer-order"]);
  });

  it("flags an import between two packages of one layer", async () => {
    const messages = await lint("audio-codec", "src/sideways.ts");
    expect(messages).toHaveLength(1);
    expect(messages[0]?.message).toMatch(/@autosing\/audio-codec and @autosing\/parquet-io are both in layer "audio and datasets"/);
  });

  it("flags a package the layer table does not know", async () => {
    const messages = await lint("audio-codec", "src/unknown.ts");
    expect(messages.map((m) => m.message)).toEqual([
      "@autosing/not-in-the-table has no layer in tooling/eslint-config/layers.js: give it one (docs/decisions/0005-layer-order.md).",
    ]);
  });

  it("passes imports down the order, of the package itself and of tooling", async () => {
    expect(await lint("audio-codec", "src/downward.ts")).toEqual([]);
  });

  it("keeps published inference code off packages that link eSpeak-NG (GPL-3.0)", async () => {
    const messages = await lint("sing", "src/gpl.ts");
    expect(messages.map((m) => m.rule)).toEqual(["autosing/inference-imports"]);
    expect(messages[0]?.message).toMatch(/@autosing\/sing is on the inference path .* @autosing\/lrc-align is not: it links eSpeak-NG \(GPL-3\.0\)/);
    expect(messages[0]?.message).toContain("docs/decisions/0004-espeak-gpl.md");
  });

  it("passes inference code importing inference packages, and tests using the synthetic corpus", async () => {
    expect(await lint("sing", "src/inference.ts")).toEqual([]);
    expect(await lint("sing", "test/corpus.ts")).toEqual([]);
  });
});
