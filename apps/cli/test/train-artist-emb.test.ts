import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { atoksTable, chunkedTable, stepPath, writeTable } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

let root: string;
let songs: string;
const CODES = 32;
const FRAMES = 32;
const CHUNK = 16;

async function cli(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}

/** Dense [4, FRAMES] tokens: each artist draws from its own 8 codes (1–8, 9–16, 17–24), so the class is learnable. */
function tokens(artist: number, seed: number): Int32Array {
  let state = seed * 7919 + 17;
  return Int32Array.from({ length: 4 * FRAMES }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    // The high bits: an LCG's low bits repeat with a short period, which the AR head would learn.
    return 1 + 8 * artist + ((state >>> 16) % 8);
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-cli-train-artist-emb-"));
  songs = join(root, "songs");
  const names = ["alto", "bass", "contra"];
  const table = atoksTable("vocals");
  let seed = 0;
  for (const partition of [0, 1, 2]) {
    const rows: { id: string; artist: string; values: Int32Array }[] = [];
    const perArtist = partition === 0 ? 1 : 2;
    for (const [k, artist] of names.entries()) {
      for (let i = 0; i < perArtist; i++) rows.push({ id: `p${partition}_${artist}_${i}`, artist, values: tokens(k, seed++) });
    }
    // An artist with too few chunks for the artist file: its row is skipped with a logged reason.
    if (partition === 1) rows.push({ id: "p1_rare", artist: "rare", values: tokens(0, seed++) });
    await writeTable(stepPath(songs, partition, table.name), table, rows.map((r) => ({ id: r.id, values: r.values })));
    await writeTable(stepPath(songs, partition, "chunked"), chunkedTable, rows.map((r) => ({ id: r.id, audio: new Uint8Array(1), alignment: null, artist: r.artist })));
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const taskArgs = JSON.stringify({ depth: 1, n_head: 2, head_width: 8, ffn_mult: 2, emb_width: 8, codes: CODES });

describe("autosing train --task_name artist_emb: bad input fails before training", () => {
  it("needs an artist file, and says how to make one when it is missing", async () => {
    const noFile = await cli("train", "--task_name", "artist_emb", "--task_args", taskArgs, "--dataset-config", JSON.stringify({ path: songs }));
    expect(noFile.code).toBe(ExitCode.usage);
    expect(noFile.stderr).toMatch(/^autosing train: --dataset-config needs "artist_file" for artist_embeddings; make one with `autosing train artists/m);
    const missing = join(root, "missing.json");
    const result = await cli("train", "--task_name", "artist_embeddings", "--dataset-config", JSON.stringify({ path: songs, artist_file: missing }));
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain(`invalid artist_file ${JSON.stringify(missing)}: cannot be read`);
    expect(result.stderr).toContain("autosing train artists");
    expect(result.stdout).toBe("");
  });

  it("rejects unknown or malformed task args, dataset keys and tunables", async () => {
    const run = (task: object, dataset: object = { path: songs, artist_file: join(root, "x.json") }, tunables = "") =>
      cli("train", "--task_name", "artist_emb", "--task_args", JSON.stringify(task), "--dataset-config", JSON.stringify(dataset), "--tunables", tunables);
    const unknown = await run({ size: "small" });
    expect(unknown.code).toBe(ExitCode.usage);
    // The backend line comes first, as for t2s and sm2a (the task's arguments are read after it).
    expect(unknown.stderr.split("\n").at(-2)).toBe("autosing train: --task_args has unknown key size (known: depth, n_head, head_width, ffn_mult, emb_width, quantizers, codes, finetune)");
    expect((await run({ depth: 1.5 })).stderr).toContain('--task_args "depth" must be a positive integer, got 1.5');
    expect((await run({ finetune: "yes" })).stderr).toContain('--task_args "finetune" must be true or false');
    expect((await run({}, { path: songs, artist_file: "a.json", multiscale: true })).stderr).toContain("--dataset-config has unknown key multiscale");
    expect((await run({}, { path: songs, artist_file: "a.json" }, '{"lr": 1}')).stderr).toContain("--tunables has unknown key lr");
  });
});

describe("autosing train --task_name artist_emb", () => {
  it("trains the embedder on windows labelled from the artist file; the model exports", async () => {
    const artistFile = join(root, "artist_ids.json");
    const collected = await cli("train", "artists", songs, "--min-sample-count", "2", "--output-path", artistFile);
    expect(collected.code).toBe(0);
    expect(JSON.parse(await readFile(artistFile, "utf8"))).toEqual({ alto: 0, bass: 1, contra: 2 });

    const common = [
      "train",
      "--task_name",
      "artist_emb",
      "--task_args",
      taskArgs,
      "--dataset-config",
      JSON.stringify({ path: songs, artist_file: artistFile, chunk_size: CHUNK }),
      "--tunables",
      '{"lr0": 3e-3, "warmup_steps": 3}',
      "--batch-size",
      "4",
      "--epochs",
      "5",
      "--backend",
      "wasm",
      // The dataset's own shuffle only: 24 windows never fill upstream's 64k run buffer, which would
      // just reshuffle each epoch; the accuracy bar below was set for this order.
      "--shufbuf",
      "0",
    ];
    const result = await cli(...common, "--checkpoint-dir", join(root, "ck"), "--output-dir", join(root, "models"));
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^tfjs backend: wasm/);
    expect(result.stderr).toMatch(/skipping .*1\/atoks_vocals_snac_32khz\.parquet row 6: artist "rare" is not in the artist file/);
    const summary = JSON.parse(result.stdout) as { task: string; steps: number; model: string; final_loss: number };
    // 12 rows × 2 windows of 16 frames = 24 windows, 6 batches of 4 per epoch.
    expect(summary).toMatchObject({ task: "artist_emb", steps: 30 });
    expect(summary.model).toBe(join(root, "models", "artist_emb"));
    const saved = JSON.parse(await readFile(join(summary.model, "config.json"), "utf8")) as { model: string; config: { num_classes: number; ctx_n: number } };
    expect(saved.model).toBe("artist_emb");
    expect(saved.config).toMatchObject({ num_classes: 3, ctx_n: CHUNK, depth: 1, codes: CODES });

    const metrics = (await readFile(join(summary.model, "metrics.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | string>);
    const train = metrics.filter((m) => m.type === "train");
    const validations = metrics.filter((m) => m.type === "validation");
    expect(validations).toHaveLength(5);
    type Validation = { val_loss: number; class_loss: number; accuracy: number };
    const first = validations[0] as unknown as Validation;
    const last = validations.at(-1) as unknown as Validation;
    expect(last.val_loss).toBeLessThan(0.75 * first.val_loss);
    expect(train.at(-1)?.loss as number).toBeLessThan(0.75 * (train[0]?.loss as number));
    // The three artists use disjoint codes; after 30 steps of this tiny model the class head gets
    // at least 5 of the 6 validation windows right (chance: 2) and its loss is well down.
    expect(last.accuracy).toBeGreaterThan(0.8);
    expect(last.class_loss).toBeLessThan(0.5 * first.class_loss);

    // Resuming from the end of epoch 2 replays the same windows and dropout: the same final loss.
    const resumed = await cli(...common, "--checkpoint-dir", join(root, "ck2"), "--output-dir", join(root, "models2"), "--resume-from", join(root, "ck", "epoch=2-step=12"));
    expect(resumed.code).toBe(0);
    const after = JSON.parse(resumed.stdout) as { steps: number; final_loss: number };
    expect(after.steps).toBe(30);
    expect(Math.abs(after.final_loss - summary.final_loss)).toBeLessThan(1e-5);

    const exported = await cli("export", summary.model, join(root, "onnx"));
    expect(exported.stderr).toBe("");
    expect(exported.code).toBe(0);
    expect((await readdir(join(root, "onnx"))).sort()).toEqual(["artist-embedder-config.json", "artist-embedder.onnx"]);
  }, 240_000);

  it("--load-from refuses a model trained for another artist list", async () => {
    const other = join(root, "two.json");
    await writeFile(other, JSON.stringify({ alto: 0, bass: 1 }));
    const result = await cli(
      "train",
      "--task_name",
      "artist_emb",
      "--dataset-config",
      JSON.stringify({ path: songs, artist_file: other, chunk_size: CHUNK }),
      "--batch-size",
      "4",
      "--backend",
      "wasm",
      "--load-from",
      join(root, "models", "artist_emb"),
    );
    expect(result.code).toBe(ExitCode.modelProblem);
    expect(result.stderr).toContain("has 3 classes over 16-frame windows; the artist file has 2 artists and chunk_size is 16");
  });
});
