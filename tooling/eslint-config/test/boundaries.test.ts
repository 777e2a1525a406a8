import { fileURLToPath } from "node:url";

import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

import config from "../index.js";

const fixtureDir = fileURLToPath(new URL("./__fixtures__/pkg/", import.meta.url));

async function lint(file: string) {
  // The shared config ignores __fixtures__ for packages; here the fixtures are the subject.
  const eslint = new ESLint({ cwd: fixtureDir, overrideConfigFile: true, overrideConfig: config, ignore: false });
  const [result] = await eslint.lintFiles([`src/${file}`]);
  return (result?.messages ?? []).map((m) => m.ruleId);
}

describe("@autosing/eslint-config boundary rules", () => {
  it("flags an import cycle inside a package", async () => {
    expect(await lint("a.ts")).toContain("import-x/no-cycle");
  });

  it("flags deep imports into another package's src", async () => {
    const rules = await lint("deep.ts");
    expect(rules.filter((r) => r === "no-restricted-imports")).toHaveLength(2);
  });

  it("passes a clean module", async () => {
    expect(await lint("clean.ts")).toEqual([]);
  });
});
