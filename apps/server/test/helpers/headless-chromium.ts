/**
 * Debian's Chromium driven by playwright-core, headless, for the page tests: a fresh profile per
 * launch, no network beyond the test server, and the autoplay policy flag that lets `<audio>`
 * play with no sound device and no user gesture. Where `/usr/bin/chromium` is absent the suite
 * says so in one loud line and skips; under `CI=true` it fails instead (`.ci/run` installs it).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.AUTOSING_CHROMIUM ?? "/usr/bin/chromium";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
] as const;

/**
 * Whether the page tests can run here: true when Chromium is installed; otherwise prints one loud
 * line and returns false, or throws under CI=true, where a skipped browser test would hide a gap.
 */
export function chromiumAvailable(suite: string, path: string = CHROMIUM_PATH): boolean {
  if (existsSync(path)) return true;
  const line = `!!! ${suite}: SKIPPED — no Chromium at ${path} (apt-get install chromium, or set AUTOSING_CHROMIUM) !!!`;
  if (process.env.CI === "true") throw new Error(`${line} — CI=true needs it`);
  console.warn(line);
  return false;
}

export interface HeadlessChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh user-data-dir, removed on close. */
export async function launchChromium(): Promise<HeadlessChromium> {
  const profile = mkdtempSync(join(tmpdir(), "autosing-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
