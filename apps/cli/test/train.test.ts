import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chunkedTable, mainTable, stepPath, writeTable } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

let root: string;
let dataset: string;

async function cli(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(args, { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  return { code, stdout: stdout.join(""), stderr: stderr.join("") };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-cli-train-"));
  // "short" in the path gives 450 text bytes, as upstream's T2SDataset decides.
  dataset = join(root, "short_ds");
  const frames = 16;
  for (const [partition, count] of [
    [0, 2],
    [1, 2],
  ] as const) {
    const rows = Array.from({ length: count }, (_, i) => ({
      id: `p${partition}_${i}`,
      atoks: Int32Array.from({ length: 4 * frames }, (_, k) => (k * 3 + i) % 4096),
      mtoks: Int32Array.from({ length: 4 * frames }, (_, k) => (k * 5 + i) % 4096),
      stoks: Int32Array.from({ length: 20 }, (_, k) => (k * (1 + (i % 3))) % 2048),
      embs: new Float32Array(768).fill(0.1),
      alignment: null,
    }));
    await writeTable(stepPath(dataset, partition, "main"), mainTable(), rows);
  }
  // Chunked tables with artists for `train artists`.
  const artists = [
    ["b", "a", "a", null],
    ["a", "c", "b", "é"],
  ];
  for (const [p, names] of artists.entries()) {
    await writeTable(
      stepPath(join(root, "songs"), p + 1, "chunked"),
      chunkedTable,
      names.map((artist, i) => ({ id: `s${p}_${i}`, audio: new Uint8Array(1), alignment: null, artist })),
    );
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("autosing train: bad input fails before training", () => {
  it("requires a known task", async () => {
    expect(await cli("train")).toMatchObject({ code: ExitCode.usage, stderr: expect.stringContaining("--task_name is required") });
    const unknown = await cli("train", "--task_name", "s2t");
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toBe('autosing train: unknown task "s2t" (known: t2s, sm2a, artist_embeddings, artist_emb)\n');
  });

  it("names the flag whose JSON does not parse", async () => {
    const result = await cli("train", "--task_name", "t2s", "--tunables", "{lr0: 1}");
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(/^autosing train: --tunables is not valid JSON \(.*\): \{lr0: 1\}\n$/);
    expect((await cli("train", "--task_name", "t2s", "--dataset-config", "[1]")).stderr).toContain("--dataset-config must be a JSON object");
  });

  it("rejects a missing dataset, unknown keys, bad sizes and bad numbers", async () => {
    const missing = await cli("train", "--task_name", "t2s", "--task_args", '{"size": "micro"}', "--dataset-config", JSON.stringify({ path: join(root, "nope") }));
    expect(missing.code).toBe(ExitCode.badInput);
    expect(missing.stderr).toMatch(/autosing train: dataset .*nope: does not exist/);
    const noPath = await cli("train", "--task_name", "t2s", "--task_args", '{"size": "micro"}');
    expect(noPath.stderr).toContain('--dataset-config needs "path"');
    const size = await cli("train", "--task_name", "t2s", "--task_args", '{"size": "huge"}', "--dataset-config", JSON.stringify({ path: dataset }));
    expect(size.stderr).toContain('unknown t2s size "huge"');
    const tunable = await cli("train", "--task_name", "t2s", "--task_args", '{"size": "micro"}', "--dataset-config", JSON.stringify({ path: dataset }), "--tunables", '{"lr": 1}');
    expect(tunable.stderr).toContain("--tunables has unknown key lr");
    expect((await cli("train", "--task_name", "t2s", "--batch-size", "0")).stderr).toContain("--batch-size must be an integer ≥ 1");
    expect((await cli("train", "--task_name", "t2s", "--replicas", "0")).stderr).toContain("--replicas must be an integer ≥ 1");
    expect((await cli("train", "--task_name", "t2s", "--lr-schedule", "step")).stderr).toContain("Allowed choices are cosine, linear, wsd, const");
  });
});

describe("autosing train --task_name sm2a", () => {
  it("trains the tiny sm2a model with multiscale batches and reports per-quantizer accuracy, and with 2 replicas to the same losses", async () => {
    const common = [
      "train",
      "--task_name",
      "sm2a",
      "--task_args",
      '{"size": "tiny"}',
      "--dataset-config",
      JSON.stringify({ path: dataset, multiscale: true }),
      "--tunables",
      '{"lr0": 3e-3, "warmup_steps": 0}',
      "--batch-size",
      "2",
      "--epochs",
      "1",
      "--backend",
      "wasm",
    ];
    const result = await cli(...common, "--checkpoint-dir", join(root, "sm2a-ck"), "--output-dir", join(root, "sm2a-models"));
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { task: string; steps: number; model: string };
    expect(summary).toMatchObject({ task: "sm2a", steps: 1 });
    const config = JSON.parse(await readFile(join(summary.model, "config.json"), "utf8")) as { model: string; config: { ctx_n: number; stoks_len: number } };
    expect(config.model).toBe("sm2a");
    expect(config.config.stoks_len).toBe(20);
    const metrics = (await readFile(join(summary.model, "metrics.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, number | string>);
    const validation = metrics.find((m) => m.type === "validation");
    expect(validation).toHaveProperty("acc_0");
    expect(validation).toHaveProperty("acc_7");

    // Two worker replicas, one row of each batch each (padded multiscale windows: each shard divides by the
    // whole batch's valid targets): the same loss within float tolerance, and N recorded in the checkpoint.
    const parallel = await cli(...common, "--replicas", "2", "--checkpoint-dir", join(root, "sm2a-ck-replicas"), "--output-dir", join(root, "sm2a-models-replicas"));
    expect(parallel.stderr).toContain("training on 2 replicas");
    expect(parallel.code).toBe(0);
    const one = JSON.parse(result.stdout) as { final_loss: number; val_loss: number };
    const two = JSON.parse(parallel.stdout) as { steps: number; final_loss: number; val_loss: number };
    expect(two.steps).toBe(1);
    expect(Math.abs(two.final_loss - one.final_loss) / one.final_loss).toBeLessThan(1e-5);
    expect(Math.abs(two.val_loss - one.val_loss) / one.val_loss).toBeLessThan(1e-4);
    const [checkpoint] = await readdir(join(root, "sm2a-ck-replicas"));
    const state = JSON.parse(await readFile(join(root, "sm2a-ck-replicas", checkpoint as string, "trainer-state.json"), "utf8")) as { replicas: number };
    expect(state.replicas).toBe(2);
  }, 240_000);
});

describe("autosing train artists", () => {
  it("numbers the artists with enough chunks in sorted order (collect_artists)", async () => {
    const output = join(root, "artist_ids.json");
    const result = await cli("train", "artists", join(root, "songs"), "--min-sample-count", "2", "--output-path", output);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Found 2 frequent artists in dataset (4 in all)");
    expect(JSON.parse(await readFile(output, "utf8"))).toEqual({ a: 0, b: 1 });
    const all = await cli("train", "artists", JSON.stringify({ path: join(root, "songs") }), "--min-sample-count", "0", "--output-path", output);
    expect(all.code).toBe(0);
    expect(JSON.parse(await readFile(output, "utf8"))).toEqual({ a: 0, b: 1, c: 2, é: 3 });
    expect((await cli("train", "artists", join(root, "none"))).stderr).toMatch(/^autosing train artists: dataset .*none/);
  });
});

describe("autosing train --task_name t2s", () => {
  it("trains the micro t2s model, saves checkpoints and the model, and resumes exactly", async () => {
    const common = [
      "train",
      "--task_name",
      "t2s",
      "--task_args",
      '{"size": "micro"}',
      "--dataset-config",
      JSON.stringify({ path: dataset }),
      "--tunables",
      '{"lr0": 3e-3, "warmup_steps": 2}',
      "--batch-size",
      "2",
      "--epochs",
      "2",
      "--seed",
      "3",
      "--backend",
      "wasm",
      // Every row of this dataset lacks an alignment: upstream trains them all on its placeholder text.
      "--allow-missing-text",
    ];
    // Without --allow-missing-text, a dataset where most rows have no text is refused before training.
    const refused = await cli(...common.slice(0, -1), "--checkpoint-dir", join(root, "ck0"), "--output-dir", join(root, "models0"));
    expect(refused.code).toBe(ExitCode.badInput);
    expect(refused.stderr).toMatch(/2 of 2 training rows surveyed \(100 %\) have no usable text .*no alignment: 2.*--allow-missing-text/);
    const full = await cli(...common, "--checkpoint-dir", join(root, "ck"), "--output-dir", join(root, "models"));
    expect(full.stderr).toMatch(/warning: 2 of 2 training rows surveyed/);
    // The progress line (one per epoch end when stderr is not a terminal).
    expect(full.stderr).toMatch(/\nstep 1\/2 epoch 1\/2 loss \S+ lr \S+ [\d.]+ samples\/s \d+ tokens\/s ETA \d+:\d\d\n/);
    expect(full.stderr).toMatch(/\nstep 2\/2 epoch 2\/2 .* ETA 0:00\n/);
    // The run's summary counts the samples that trained on the placeholder (2 epochs × 2 rows).
    expect(full.stderr).toContain("t2s text: 4 of 4 training samples of this run (100 %) have no usable text");
    expect(JSON.parse(full.stdout)).toMatchObject({ text_sources: { alignment: 0, text_column: 0, placeholder: 4, placeholder_no_alignment: 4, placeholder_low_inlier_ratio: 0 } });
    expect(full.stderr).toMatch(/^tfjs backend: wasm/);
    expect(full.code).toBe(0);
    const summary = JSON.parse(full.stdout) as { steps: number; final_loss: number; val_loss: number; model: string };
    expect(summary.steps).toBe(2);
    expect(summary.model).toBe(join(root, "models", "t2s"));
    const files = (await readdir(summary.model)).sort();
    expect(files.filter((f) => !f.startsWith("events.out.tfevents."))).toEqual(["config.json", "metrics.jsonl", "model.safetensors"]);
    // The TensorBoard event file beside the metrics (read back in @autosing/trainer's tests).
    expect(files.filter((f) => f.startsWith("events.out.tfevents."))).toHaveLength(1);
    const config = JSON.parse(await readFile(join(summary.model, "config.json"), "utf8")) as { model: string; config: { stoks_len: number; mtoks_len: number; ttoks_len: number } };
    expect(config.model).toBe("t2s");
    expect(config.config).toMatchObject({ stoks_len: 20, mtoks_len: 12, ttoks_len: 450 });
    const metrics = (await readFile(join(summary.model, "metrics.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { type: string; val_loss?: number });
    const validations = metrics.filter((m) => m.type === "validation");
    // By default validation runs once per epoch, as upstream's (its --validate-every-n-steps is not wired).
    expect(validations).toHaveLength(2);
    expect(validations[1]?.val_loss).toBeLessThan(validations[0]?.val_loss as number);

    // Two worker replicas, each on one row of every batch: the same run within float tolerance.
    const parallel = await cli(...common, "--replicas", "2", "--checkpoint-dir", join(root, "ck-replicas"), "--output-dir", join(root, "models-replicas"));
    expect(parallel.stderr).toContain("training on 2 replicas");
    expect(parallel.code).toBe(0);
    const parallelSummary = JSON.parse(parallel.stdout) as { steps: number; final_loss: number; val_loss: number };
    expect(parallelSummary.steps).toBe(2);
    expect(Math.abs(parallelSummary.final_loss - summary.final_loss)).toBeLessThan(1e-4);
    expect(Math.abs(parallelSummary.val_loss - summary.val_loss)).toBeLessThan(1e-4);

    const resumed = await cli(...common, "--checkpoint-dir", join(root, "ck2"), "--output-dir", join(root, "models2"), "--resume-from", join(root, "ck", "epoch=1-step=1"));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain("resuming from");
    const after = JSON.parse(resumed.stdout) as { steps: number; final_loss: number };
    expect(after.steps).toBe(2);
    expect(Math.abs(after.final_loss - summary.final_loss)).toBeLessThan(1e-5);

    // --load-from starts a new run from the trained weights: its first validation beats the fresh model's.
    const loaded = await cli(...common, "--epochs", "1", "--checkpoint-dir", join(root, "ck3"), "--output-dir", join(root, "models3"), "--load-from", summary.model);
    expect(loaded.code).toBe(0);
    const loadedSummary = JSON.parse(loaded.stdout) as { val_loss: number };
    expect(loadedSummary.val_loss).toBeLessThan(validations[0]?.val_loss as number);
    const wrong = await cli(...common, "--load-from", join(root, "nothing"));
    expect(wrong.code).toBe(ExitCode.modelProblem);
    expect(wrong.stderr).toMatch(/--load-from .*nothing/);
  }, 240_000);
});
