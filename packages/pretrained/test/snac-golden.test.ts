import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { agreement, decodeWith, encodeWith, importSnac, openImported, readFixture, relativeError, safetensorsDirectory } from "./snac-helpers.js";

describe.each(["32khz", "24khz"] as const)("SNAC %s imported from upstream's files", (name) => {
  const fixture = readFixture(name);

  it("encodes to upstream's codes and decodes to upstream's audio (noise zeroed)", async () => {
    const { outputDir, model } = await importSnac(safetensorsDirectory(fixture));
    expect(readdirSync(outputDir).sort()).toEqual(Object.values(model.files).sort());
    const sessions = await openImported(outputDir);
    try {
      const levels = fixture.golden.codes.length;
      const codes = await encodeWith(sessions.encoder, fixture.input, levels);
      codes.forEach((level, i) => {
        expect(level.length).toBe(fixture.golden.codes[i]!.length);
        expect(agreement(level, fixture.golden.codes[i]!)).toBeGreaterThanOrEqual(0.99);
      });
      const decoded = await decodeWith(sessions.decoder, fixture.golden.codes);
      expect(decoded.dims).toEqual(fixture.golden.decodedShape);
      expect(relativeError(decoded.data, fixture.decoded)).toBeLessThan(1e-4);
    } finally {
      await sessions.release();
    }
  });
});

describe("SNAC 32 kHz as hubertsiuzdak/snac_32khz publishes it", () => {
  it("imports config.json + pytorch_model.bin (torch.save, read by torch-files) to the same graphs as the safetensors copy", async () => {
    const fixture = readFixture("32khz");
    const published = await importSnac(fixture.dir);
    expect(published.log.join("\n")).toContain("pytorch_model.bin");
    const copy = await importSnac(safetensorsDirectory(fixture));
    for (const file of Object.values(published.model.files)) {
      expect(readFileSync(join(published.outputDir, file)).equals(readFileSync(join(copy.outputDir, file))), file).toBe(true);
    }
  });
});
