import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { framesFor, parseWav2Vec2Config } from "../src/index.js";
import {
  type FixtureName,
  FIXTURES,
  argmaxRows,
  classify,
  editedDirectory,
  importFrameClassifier,
  publishedCopy,
  readFixture,
  relativeError,
  renamed,
} from "./frame-classifier-helpers.js";

const older = (key: string): string => key.replace(/parametrizations\.weight\.original0$/, "weight_g").replace(/parametrizations\.weight\.original1$/, "weight_v");
const newer = (key: string): string => key.replace(/weight_g$/, "parametrizations.weight.original0").replace(/weight_v$/, "parametrizations.weight.original1");

describe.each<[FixtureName, string]>([
  ["stable-ctc", "layer-norm features, pre-LN, lm_head, parametrized weight-norm keys"],
  ["group-frame", "group-norm features, post-LN, classifier, weight_g/weight_v keys"],
])("frame-classifier import of %s (%s) against transformers' wav2vec2", (name) => {
  const fixture = readFixture(name);

  it("gives upstream's log-softmaxed logits within 1e-4 relative, the same argmax every frame", async () => {
    const { outputDir, model } = await importFrameClassifier(publishedCopy(name));
    const out = await classify(join(outputDir, model.files.model!), fixture.input);
    expect(out.dims).toEqual(fixture.shape);
    expect(relativeError(out.data, fixture.logProbabilities)).toBeLessThan(1e-4);
    expect(argmaxRows(out.data, fixture.shape[2]!)).toEqual(fixture.argmax);
    // The fixture is not degenerate: several classes win somewhere.
    expect(new Set(fixture.argmax).size).toBeGreaterThan(2);
    const config = parseWav2Vec2Config(JSON.parse(readFileSync(join(FIXTURES, name, "config.json"), "utf8")), "config.json");
    expect(framesFor(config, fixture.input.length)).toBe(fixture.shape[1]);
    expect(model.details.classes).toBe(fixture.shape[2]);
  });

  it("gives the same graph output from model.safetensors in the other weight-norm key style", async () => {
    const rename = name === "stable-ctc" ? older : newer;
    const dir = await editedDirectory(name, (state) => renamed(state, rename));
    const { outputDir, model } = await importFrameClassifier(dir);
    const out = await classify(join(outputDir, model.files.model!), fixture.input);
    expect(relativeError(out.data, fixture.logProbabilities)).toBeLessThan(1e-4);
  });
});

describe("frame-classifier labels and facts", () => {
  it("writes id2label of a classifier head and the frame rate beside the ONNX", async () => {
    const { outputDir, model } = await importFrameClassifier(publishedCopy("group-frame"));
    expect(JSON.parse(readFileSync(join(outputDir, model.files.labels!), "utf8"))).toEqual(["speaker0", "speaker1", "speaker2", "speaker3", "speaker4"]);
    expect(model.details).toMatchObject({ sampleRate: 16000, frameRate: 800, samplesPerFrame: 20, head: "classifier", classes: 5 });
  });
});
