import { readdirSync } from "node:fs";

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
