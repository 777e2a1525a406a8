/**
 * Vitest global setup: the sing fixtures (tiny models, a fitted codec, a song and its stems, a
 * dataset) are made once per run and shared read-only by every test file (`sharedSingFixtures`),
 * so the files do not each pay for rendering the song and fitting the codec.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { TestProject } from "vitest/node";

import { makeSingFixtures } from "./sing-fixtures.js";

declare module "vitest" {
  export interface ProvidedContext {
    singFixturesRoot: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), "autosing-server-fixtures-"));
  await makeSingFixtures(root);
  project.provide("singFixturesRoot", root);
  return async () => rm(root, { recursive: true, force: true });
}
