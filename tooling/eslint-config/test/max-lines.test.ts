import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";

import config, { MAX_LINES, MAX_LINES_EXCEPTIONS, maxLinesBlock } from "../index.js";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const fixtureDir = fileURLToPath(new URL("./__fixtures__/pkg/", import.meta.url));
/** Where the generated modules are linted as if they were, relative to the repository root. */
const moduleFile = "src/generated-size.ts";
const moduleFromRoot = `tooling/eslint-config/test/__fixtures__/pkg/${moduleFile}`;

/** A module of `code` statements, each with a comment and a blank line that the limit does not count. */
function moduleOfLines(code: number): string {
  return Array.from({ length: code }, (_, i) => `// value ${i}\nexport const value${i} = ${i};\n`).join("\n");
}

async function lint(text: string, overrideConfig: Linter.Config[] = config): Promise<(string | null)[]> {
  // The shared config ignores __fixtures__ for packages; here the fixture folder is the subject.
  const eslint = new ESLint({ cwd: fixtureDir, overrideConfigFile: true, overrideConfig, ignore: false });
  const [result] = await eslint.lintText(text, { filePath: `${fixtureDir}${moduleFile}` });
  return (result?.messages ?? []).map((m) => m.ruleId);
}

describe("@autosing/eslint-config max-lines", () => {
  it(`flags a module over ${MAX_LINES} lines of code`, async () => {
    expect(await lint(moduleOfLines(MAX_LINES + 1))).toEqual(["max-lines"]);
  });

  it(`passes a module of ${MAX_LINES} lines of code, whatever its comments and blank lines`, async () => {
    const text = moduleOfLines(MAX_LINES);
    expect(text.split("\n").length).toBeGreaterThan(2 * MAX_LINES);
    expect(await lint(text)).toEqual([]);
  });

  it("passes a named exception, by its path from the repository root", async () => {
    const withException = [
      ...config.filter((block) => block.name !== "autosing/max-lines"),
      maxLinesBlock([{ file: moduleFromRoot, reason: "the test's exception" }]),
    ];
    expect(withException).toHaveLength(config.length);
    expect(await lint(moduleOfLines(MAX_LINES + 1), withException)).toEqual([]);
  });

  it("names only files that exist, each with a reason", () => {
    for (const exception of MAX_LINES_EXCEPTIONS) {
      expect(existsSync(`${repositoryRoot}${exception.file}`), exception.file).toBe(true);
      expect(exception.reason.length).toBeGreaterThan(10);
    }
  });
});
