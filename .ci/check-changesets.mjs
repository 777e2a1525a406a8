#!/usr/bin/env node
// Fails when a published package changed since the last release commit without a changeset
// naming it (STYLE.md: "Changesets are checked", like vercel/ai's verify-changesets).
//
// The last release commit is the newest commit whose subject starts with "release:" (the commit
// that ran `changeset version`). A package counts as changed when a file it ships changed: its
// package.json, README.md or anything under src/ except tests and fixtures. Private packages
// (tooling) are not published and need no changeset.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

const release = git("log", "-1", "--format=%H", "--grep=^release:", "--extended-regexp");
if (release === "") {
  console.log("changeset check: no release commit in this history (no commit subject starts with 'release:'); nothing to compare");
  process.exit(0);
}

/** Workspace packages that publish: folder → name. */
const packages = new Map();
for (const group of ["packages", "apps"]) {
  for (const entry of readdirSync(join(root, group))) {
    const manifestPath = join(root, group, entry, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (manifest.private !== true) packages.set(`${group}/${entry}`, manifest.name);
  }
}

const shipped = (file) => {
  const [group, folder, ...rest] = file.split("/");
  const inside = rest.join("/");
  if (!packages.has(`${group}/${folder}`)) return undefined;
  if (inside === "package.json" || inside === "README.md") return `${group}/${folder}`;
  if (!inside.startsWith("src/")) return undefined;
  if (/\.test\.ts$/.test(inside) || inside.includes("__fixtures__/")) return undefined;
  return `${group}/${folder}`;
};

const changed = new Set(
  git("diff", "--name-only", release, "HEAD", "--", "packages", "apps")
    .split("\n")
    .filter(Boolean)
    .map(shipped)
    .filter((folder) => folder !== undefined)
    .map((folder) => packages.get(folder)),
);

/** Package names named in the frontmatter of the changesets added since the release. */
const named = new Set();
const changesets = git("diff", "--name-only", "--diff-filter=AM", release, "HEAD", "--", ".changeset")
  .split("\n")
  .filter((file) => file.endsWith(".md") && !file.endsWith("README.md"));
for (const file of changesets) {
  const text = readFileSync(join(root, file), "utf8");
  const frontmatter = /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? "";
  for (const match of frontmatter.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)) named.add(match[1]);
}

const missing = [...changed].filter((name) => !named.has(name)).sort();
const short = release.slice(0, 10);
if (missing.length > 0) {
  console.error(`changeset check: these packages changed since the release commit ${short} without a changeset naming them:`);
  for (const name of missing) console.error(`  - ${name}`);
  console.error("Add one with `pnpm changeset` (choose the packages and bump, one or two sentences for users) and commit it.");
  process.exit(1);
}
console.log(`changeset check: ${changed.size} package(s) changed since release ${short}, each named by one of ${changesets.length} changeset(s)`);
