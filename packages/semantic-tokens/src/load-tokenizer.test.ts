import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { fitDefaultTokenizer, serializeDefaultTokenizer } from "./default-tokenizer.js";
import { SemanticTokensError } from "./errors.js";
import { TokenizerSpecError, loadSemanticTokenizer } from "./load-tokenizer.js";
import { concat, vowel } from "./__fixtures__/signals.js";

describe("loadSemanticTokenizer", () => {
  it("opens the default tokenizer from default:<file>", async () => {
    const dir = await mkdtemp(join(tmpdir(), "load-tokenizer-"));
    try {
      const file = join(dir, "tokenizer.json");
      const model = fitDefaultTokenizer([concat(vowel("a", 1, 150, 1), vowel("i", 1, 150, 2))], { codes: 4, iterations: 2, seed: 1 });
      await writeFile(file, serializeDefaultTokenizer(model));
      const tokenizer = await loadSemanticTokenizer(`default:${file}`);
      expect(tokenizer.name).toBe("default-kmeans-4");
      await tokenizer.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("names the option and the expected forms for specs it cannot open", async () => {
    const bare = await loadSemanticTokenizer("default").catch((e: unknown) => e);
    expect(bare).toBeInstanceOf(TokenizerSpecError);
    expect(SemanticTokensError.isInstance(bare)).toBe(true);
    expect((bare as Error).message).toBe('stoks: option tokenizer = "default": must be "default:<tokenizer.json>" or "bn-whisper:<model.onnx>"');
    await expect(loadSemanticTokenizer("whisper:x.onnx")).rejects.toThrow(/unknown tokenizer kind "whisper" \(expected "default" or "bn-whisper"\)/);
  });
});
