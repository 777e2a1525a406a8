import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { PretrainedSourceError, SNAC_IMPORTER, foldWeightNorm } from "../src/index.js";
import { agreement, decodeWith, editedDirectory, encodeWith, importSnac, olderKey, openImported, readFixture, relativeError, renamed, scratch } from "./snac-helpers.js";

const fixture = readFixture("32khz");

/** Runs the importer on `dir` into a fresh folder; returns the error it threw and what it left in the folder. */
async function importFailure(dir: string): Promise<{ error: PretrainedSourceError; written: string[] }> {
  const outputDir = scratch("snac-bad-");
  const error = await SNAC_IMPORTER.run([dir], {}, { outputDir, log: () => undefined }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!PretrainedSourceError.isInstance(error)) throw new Error(`expected a PretrainedSourceError, got ${String(error)}`);
  return { error, written: readdirSync(outputDir) };
}

describe("SNAC weights in both weight-norm key styles", () => {
  it("imports weight_g/weight_v and parametrizations.weight.original0/1 to the same graphs and upstream's outputs", async () => {
    const older = editedDirectory(fixture, (state) => renamed(state, olderKey));
    const newer = editedDirectory(fixture, (state) => state);
    const keys = safetensorsKeys(older).join(" ");
    expect(keys).toContain(".weight_g");
    expect(keys).not.toContain("original0");
    const a = await importSnac(older);
    const b = await importSnac(newer);
    for (const file of ["encoder.onnx", "encoder.onnx.data", "decoder.onnx", "decoder.onnx.data"]) {
      expect(readFileSync(join(a.outputDir, file)).equals(readFileSync(join(b.outputDir, file)))).toBe(true);
    }
    const sessions = await openImported(a.outputDir);
    try {
      const codes = await encodeWith(sessions.encoder, fixture.input, 4);
      codes.forEach((level, i) => expect(agreement(level, fixture.golden.codes[i]!)).toBeGreaterThanOrEqual(0.99));
      expect(relativeError((await decodeWith(sessions.decoder, fixture.golden.codes)).data, fixture.decoded)).toBeLessThan(1e-4);
    } finally {
      await sessions.release();
    }
  });

  it("folds weight norm as torch does: w = g · v / ‖v‖ over all dims but 0", () => {
    const random = mulberry32(3);
    const v = Float32Array.from({ length: 2 * 3 * 4 }, () => random() - 0.5);
    const g = new Float32Array([2, -0.5]);
    const w = foldWeightNorm(g, v, 2);
    for (let o = 0; o < 2; o++) {
      const row = v.subarray(o * 12, (o + 1) * 12);
      const norm = Math.hypot(...row);
      row.forEach((x, i) => expect(w[o * 12 + i]).toBeCloseTo((g[o]! * x) / norm, 6));
      expect(Math.hypot(...w.subarray(o * 12, (o + 1) * 12))).toBeCloseTo(Math.abs(g[o]!), 5);
    }
  });
});

/** The tensor keys of a directory's model.safetensors, from its JSON header. */
function safetensorsKeys(dir: string): string[] {
  const bytes = readFileSync(join(dir, "model.safetensors"));
  const length = Number(bytes.readBigUInt64LE(0));
  return Object.keys(JSON.parse(bytes.subarray(8, 8 + length).toString("utf8")) as object).filter((k) => k !== "__metadata__");
}

describe("SNAC import refuses bad input, naming the file and key, with nothing written", () => {
  it("lists every missing and unexpected key at once", async () => {
    const dir = editedDirectory(fixture, (state) => {
      const out = new Map(state);
      out.delete("decoder.model.0.bias");
      out.delete("encoder.block.5.to_out.weight");
      out.set("decoder.extra.weight", { shape: [2], data: new Float32Array(2) });
      return out;
    });
    const { error, written } = await importFailure(dir);
    expect(written).toEqual([]);
    expect(error.source).toBe(join(dir, "model.safetensors"));
    expect(error.message).toContain("missing 2 key(s): encoder.block.5.to_out.weight, decoder.model.0.bias");
    expect(error.message).toContain("unexpected 1 key(s): decoder.extra.weight");
    expect(error.message).toContain(join(dir, "config.json"));
    expect(error.key).toBe("encoder.block.5.to_out.weight");
  });

  it("names a tensor of the wrong shape", async () => {
    const key = "quantizer.quantizers.2.codebook.weight";
    const dir = editedDirectory(fixture, (state) => new Map(state).set(key, { shape: [32, 4], data: new Float32Array(128) }));
    const { error, written } = await importFailure(dir);
    expect(written).toEqual([]);
    expect(error.key).toBe(key);
    expect(error.message).toContain("has shape [32, 4], but");
    expect(error.message).toContain("implies [64, 4]");
  });

  it("refuses a config that does not match the weights (3 levels in config.json, 4 quantizers in the weights)", async () => {
    const dir = editedDirectory(fixture, (state) => state, (config) => ({ ...config, vq_strides: [4, 2, 1] }));
    const { error, written } = await importFailure(dir);
    expect(written).toEqual([]);
    expect(error.message).toMatch(/unexpected 7 key\(s\): quantizer\.quantizers\.3\.in_proj\.bias/);
    expect(error.message).toContain("not the SNAC network");
  });

  it("refuses a config that names a width the weights do not have", async () => {
    const dir = editedDirectory(fixture, (state) => state, (config) => ({ ...config, codebook_size: 128 }));
    const { error } = await importFailure(dir);
    expect(error.key).toBe("quantizer.quantizers.0.codebook.weight");
    expect(error.message).toContain("implies [128, 4]");
  });

  it("refuses an unknown config field and a directory without weights", async () => {
    const typo = editedDirectory(fixture, (state) => state, (config) => ({ ...config, codebook_sise: 64 }));
    const { error } = await importFailure(typo);
    expect(error.source).toBe(join(typo, "config.json"));
    expect(error.key).toBe("codebook_sise");
    const empty = scratch("snac-empty-");
    const missing = await importFailure(empty);
    expect(missing.error.message).toContain("config.json");
  });

  it("refuses a non-finite weight when it is read", async () => {
    const key = "decoder.model.1.bias";
    const dir = editedDirectory(fixture, (state) => {
      const tensor = state.get(key)!;
      const data = Float32Array.from(tensor.data);
      data[3] = Number.NaN;
      return new Map(state).set(key, { shape: tensor.shape, data });
    });
    const { error } = await importFailure(dir);
    expect(error.key).toBe(key);
    expect(error.message).toContain("NaN");
  });
});
