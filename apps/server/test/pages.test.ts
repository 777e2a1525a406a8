/**
 * The pages in a real headless Chromium against the real server: audio plays with no sound
 * device, the viewer shows a processed corpus and its karaoke line follows playback, the sing
 * page runs a job to playable variations, and each page is screenshotted.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { SING_STAGES } from "@autosing/sing";
import type { Dialog, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { type RunningServer, buildApp, startServer } from "../src/index.js";
import { type HeadlessChromium, chromiumAvailable, launchChromium } from "./helpers/headless-chromium.js";
import { type ProcessedDataset, writeProcessedDataset } from "./helpers/processed-dataset.js";
import { sharedSingFixtures } from "./helpers/shared-sing-fixtures.js";
import type { SingFixtures } from "./helpers/sing-fixtures.js";

// What the functions run inside the page use of the DOM (this test program has Node's types, not the DOM's).
interface HTMLAudioElement {
  play(): Promise<void>;
  pause(): void;
  readonly currentTime: number;
  readonly duration: number;
  readonly ended: boolean;
}
declare const Audio: new (src: string) => HTMLAudioElement;
declare const document: { querySelector(selector: string): { textContent: string | null } | null; querySelectorAll(selector: string): { length: number } };
declare const window: { scrollTo(x: number, y: number): void };
declare const localStorage: { clear(): void };

const available = chromiumAvailable("apps/server pages.test.ts (headless Chromium)");
const root = mkdtempSync(join(tmpdir(), "autosing-pages-"));
const screenshots = join(root, "screenshots");
const docsImages = fileURLToPath(new URL("../../../docs/images/", import.meta.url));

let corpus: ProcessedDataset;
let fixtures: SingFixtures;
let server: RunningServer;
let chromium: HeadlessChromium;
let page: Page;
/** Uncaught errors and console errors of the pages (a Content-Security-Policy violation lands here). */
const pageErrors: string[] = [];

/** Saves a screenshot under the test's temp dir, and into docs/images with AUTOSING_UPDATE_SCREENSHOTS=1. */
async function screenshot(name: string): Promise<string> {
  mkdirSync(screenshots, { recursive: true });
  const file = join(screenshots, name);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.AUTOSING_UPDATE_SCREENSHOTS === "1") {
    mkdirSync(docsImages, { recursive: true });
    copyFileSync(file, join(docsImages, name));
  }
  return file;
}

beforeAll(async () => {
  if (!available) return;
  [corpus, fixtures, chromium] = await Promise.all([writeProcessedDataset(root, "corpus"), sharedSingFixtures(), launchChromium()]);
  server = await startServer({ port: 0, models: fixtures.models, datasets: [{ name: "corpus", dir: corpus.dir }], state: join(root, "state"), workers: 1, log: () => {} });
  page = await chromium.context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(`${message.text()} (${message.location().url})`);
  });
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
  if (process.env.AUTOSING_KEEP_SCREENSHOTS === undefined) rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!available)("the pages in headless Chromium", () => {
  it("plays audio with no sound device (an <audio>'s currentTime advances)", async () => {
    await page.goto(`${server.url}/datasets`);
    const url = `/api/datasets/corpus/partitions/0/rows/${corpus.chunkIds[0]!}/audio/mix`;
    const played = await page.evaluate(async (src) => {
      const audio = new Audio(src);
      await audio.play();
      await new Promise((resolve) => setTimeout(resolve, 600));
      audio.pause();
      return audio.currentTime;
    }, url);
    expect(played).toBeGreaterThan(0.1);
  });

  it("viewer: partitions with step completeness, rows, and a karaoke line that follows playback", async () => {
    await page.goto(`${server.url}/datasets?dataset=corpus`);
    const table = page.locator("#partitions table");
    await table.waitFor();
    expect(await table.locator('td[aria-label="stoks: done"]').count()).toBe(1);
    expect(await table.locator('td[aria-label="artist_embs: missing"]').count()).toBe(1);

    // Keyboard: focus the partition's button and press Enter.
    await page.getByRole("button", { name: "Show the rows of partition 0" }).focus();
    await page.keyboard.press("Enter");
    const rows = page.locator("article.row");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(corpus.chunkIds.length);
    expect(await page.locator("#page-info").textContent()).toBe(`Rows 1–${corpus.chunkIds.length} of ${corpus.chunkIds.length}`);
    // Every row has three players, a karaoke line and the token heat maps.
    expect(await rows.first().locator("audio").count()).toBe(3);
    expect(await rows.first().locator("canvas.heatmap").count()).toBe(3);

    // The row whose karaoke line has the most words: play its mix and watch the highlight move.
    const wordCounts = await rows.evaluateAll((cards) => cards.map((card) => card.querySelectorAll(".karaoke span").length));
    const index = wordCounts.indexOf(Math.max(...wordCounts));
    expect(wordCounts[index]).toBeGreaterThanOrEqual(2);
    const row = rows.nth(index);
    const seen: string[] = await row.evaluate(async (card) => {
      const audio = card.querySelector<HTMLAudioElement>('audio[data-track="mix"]')!;
      const highlighted: string[] = [];
      const record = (): void => {
        const word = card.querySelector(".karaoke span.current")?.textContent;
        if (word !== undefined && word !== null && highlighted.at(-1) !== word) highlighted.push(word);
      };
      await audio.play();
      const until = Date.now() + 4500;
      while (Date.now() < until && !audio.ended && new Set(highlighted).size < 2) {
        record();
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      record();
      audio.pause();
      return highlighted;
    });
    expect(new Set(seen).size, `highlighted words: ${seen.join(", ")}`).toBeGreaterThanOrEqual(2);
    expect(await row.locator('.karaoke span[aria-current="true"]').count()).toBeLessThanOrEqual(1);

    // The inlier-ratio filter and the sort go to the server and re-render the page.
    await page.locator("#min-inlier").fill("1");
    await page.locator("#min-inlier").dispatchEvent("change");
    await page.waitForFunction(() => document.querySelector("#page-info")?.textContent !== "" && !/^Rows 1–2 of 2$/.test(document.querySelector("#page-info")?.textContent ?? ""));
    await page.locator("#min-inlier").fill("");
    await page.locator("#min-inlier").dispatchEvent("change");
    await page.selectOption("#sort", "inlier_ratio");
    await page.selectOption("#order", "desc");
    await rows.first().waitFor();
    // For the screenshot: the first row's mix paused while a word is highlighted.
    await rows.first().evaluate(async (card) => {
      const audio = card.querySelector<HTMLAudioElement>('audio[data-track="mix"]')!;
      await audio.play();
      const until = Date.now() + 4000;
      while (Date.now() < until && card.querySelector(".karaoke span.current") === null) await new Promise((resolve) => setTimeout(resolve, 20));
      audio.pause();
    });
    await screenshot("server-viewer.png");
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it("sing page: upload a song with its stems, watch the stages, get playable variations with spectrograms", async () => {
    await page.goto(`${server.url}/`);
    expect(await page.locator("#models-notice").count()).toBe(0);
    await page.getByLabel("First line").fill("hello there");
    await page.getByLabel("Second line").fill("sing it again");
    await page.getByLabel("Length (s)").fill("1.6");
    await page.getByLabel("Variations (batch size)").fill("2");
    await page.getByLabel("Seed").fill("3");
    await page.setInputFiles("#reference", { name: "song.wav", mimeType: "audio/wav", buffer: Buffer.from(fixtures.reference) });
    await page.setInputFiles("#vocals", { name: "vocals.wav", mimeType: "audio/wav", buffer: Buffer.from(fixtures.vocals) });
    await page.setInputFiles("#instrumental", { name: "instrumental.wav", mimeType: "audio/wav", buffer: Buffer.from(fixtures.instrumental) });
    const requests: string[] = [];
    const record = (request: { url(): string }): void => void requests.push(new URL(request.url()).pathname);
    page.on("request", record);
    await page.locator("#submit").click();
    await page.locator("#job").waitFor();
    await page.waitForFunction(() => document.querySelectorAll('figure[data-spectrogram="drawn"]').length === 2 || /Failed/.test(document.querySelector("#job-state")?.textContent ?? ""), undefined, { timeout: 45_000 });
    page.off("request", record);
    expect(await page.locator("#job-state").textContent()).toMatch(/done/);
    // Progress came over the job's server-sent events, not by polling the job.
    expect(requests.filter((path) => /^\/api\/jobs\/[^/]+\/events$/.test(path))).toHaveLength(1);
    expect(requests.filter((path) => /^\/api\/jobs\/[^/]+$/.test(path))).toEqual([]);
    expect(await page.locator('.stages li[data-state="done"]').count()).toBe(await page.locator(".stages li").count());
    expect(await page.locator(".stages li").evaluateAll((items) => items.map((li) => (li as unknown as { dataset: { stage: string } }).dataset.stage))).toEqual([...SING_STAGES]);
    const figures = page.locator("#variations figure");
    expect(await figures.count()).toBe(2);
    expect(await figures.first().locator("a[download]").getAttribute("href")).toMatch(/^\/api\/jobs\/[^/]+\/outputs\/0$/);
    const played = await figures.nth(1).locator("audio").evaluate(async (audio: HTMLAudioElement) => {
      await audio.play();
      await new Promise((resolve) => setTimeout(resolve, 400));
      audio.pause();
      return { time: audio.currentTime, duration: audio.duration };
    });
    expect(played.duration).toBeGreaterThan(1);
    expect(played.time).toBeGreaterThan(0.05);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot("server-sing.png");
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("sing page: offers the rows of a served dataset that hold both stems", async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel("A song of a served dataset").check();
    await page.locator("#ref-row option").first().waitFor({ state: "attached" });
    expect(await page.locator("#ref-dataset").inputValue()).toBe("corpus");
    const offered = await page.locator("#ref-row option").evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value));
    expect(offered).toEqual([...corpus.chunkIds]);
    expect(await page.locator("#upload-fields").isHidden()).toBe(true);
  });

  it("sing page: says which models are missing and how to get them", async () => {
    // The same app on the same queue, as a server started without --models renders it.
    const bare = await buildApp({ queue: server.queue, datasets: [], modelsDir: undefined, stateDir: join(root, "state"), maxUploadBytes: 1_000_000, log: () => {} });
    const url = await bare.listen({ host: "127.0.0.1", port: 0 });
    try {
      await page.goto(`${url}/`);
      const notice = page.locator("#models-notice");
      expect(await notice.getAttribute("role")).toBe("alert");
      expect(await notice.textContent()).toMatch(/no models directory.*--models/s);
      expect(await notice.textContent()).toMatch(/autosing demo/);
      expect(await notice.textContent()).toMatch(/autosing import/);
    } finally {
      await bare.close();
    }
  });

  it("with a token: the viewer asks for it once, sends it, and plays audio fetched with it", async () => {
    const token = "pages-test-token";
    const guarded = await buildApp({ queue: server.queue, datasets: [{ name: "corpus", dir: corpus.dir }], modelsDir: undefined, stateDir: join(root, "state"), maxUploadBytes: 1_000_000, log: () => {}, token });
    const url = await guarded.listen({ host: "127.0.0.1", port: 0 });
    const prompts: string[] = [];
    const answer = (dialog: Dialog): void => {
      prompts.push(dialog.message());
      void dialog.accept(token);
    };
    page.on("dialog", answer);
    try {
      await page.goto(`${url}/datasets?dataset=corpus`);
      await page.locator("#partitions table").waitFor();
      expect(prompts).toHaveLength(1);
      expect(prompts[0]).toMatch(/access token/);
      await page.getByRole("button", { name: "Show the rows of partition 0" }).click();
      const mix = page.locator('article.row audio[data-track="mix"]').first();
      await mix.waitFor({ state: "attached" });
      await expect.poll(() => mix.getAttribute("src")).toMatch(/^blob:/);
      const played = await mix.evaluate(async (audio: HTMLAudioElement) => {
        await audio.play();
        await new Promise((resolve) => setTimeout(resolve, 300));
        audio.pause();
        return audio.currentTime;
      });
      expect(played).toBeGreaterThan(0.05);
      expect(prompts).toHaveLength(1);
    } finally {
      page.off("dialog", answer);
      await page.evaluate(() => localStorage.clear());
      await guarded.close();
    }
  });
});

describe("without Chromium", () => {
  it("says so in one loud line and skips, or fails under CI=true", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const ci = process.env.CI;
    try {
      delete process.env.CI;
      expect(chromiumAvailable("suite", "/nonexistent/chromium")).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^!!! suite: SKIPPED — no Chromium at \/nonexistent\/chromium/);
      process.env.CI = "true";
      expect(() => chromiumAvailable("suite", "/nonexistent/chromium")).toThrow(/CI=true needs it/);
    } finally {
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
      warn.mockRestore();
    }
  });
});
