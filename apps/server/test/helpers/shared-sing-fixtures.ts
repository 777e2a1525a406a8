/** The run's shared sing fixtures (made once by global-sing-fixtures.ts), for a test file's beforeAll. */
import { inject } from "vitest";

import { type SingFixtures, readSingFixtures } from "./sing-fixtures.js";

export function sharedSingFixtures(): Promise<SingFixtures> {
  return readSingFixtures(inject("singFixturesRoot"));
}
