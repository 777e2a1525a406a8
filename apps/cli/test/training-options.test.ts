/** The training tasks' option schemas, read the way `autosing train` reads its JSON flags (no data, no model). */
import { DEFAULT_SM2A_TUNABLES } from "@autosing/sm2a-model";
import { describe, expect, it } from "vitest";

import { FlagError } from "../src/shared/flag-error.js";
import { parseJsonFlag, readFlagObject } from "../src/training/json-flags.js";
import { TASK_NAMES, TRAINING_TASKS, trainingTask } from "../src/training/registry.js";
import { TRAINING_DEFAULTS } from "../src/training/run-training.js";

describe("the training table", () => {
  it("has every task name, artist_embeddings as an alias of artist_emb", () => {
    expect(TASK_NAMES).toEqual(["t2s", "sm2a", "artist_embeddings", "artist_emb"]);
    expect(trainingTask("artist_embeddings")).toBe(TRAINING_TASKS.artist_emb);
    expect(Object.values(TRAINING_TASKS).map((task) => [task.model, task.hasDecoder])).toEqual([
      ["t2s", true],
      ["sm2a", true],
      ["artist_emb", false],
    ]);
  });
});

describe("the run's defaults", () => {
  it("validate once per epoch and shuffle through upstream's 64k-sample buffer", () => {
    // upstream train.py: check_val_every_n_epoch=1, its val_check_interval commented out; --shufbuf 64.
    expect(TRAINING_DEFAULTS).toMatchObject({ validateEveryNSteps: 0, shufbuf: 64, allowMissingText: false });
  });
});

describe("JSON flags", () => {
  const { schemas } = TRAINING_TASKS.sm2a;
  const read = (flag: string, schema: Parameters<typeof readFlagObject>[1], value: unknown) => () => readFlagObject(flag, schema, value);

  it("parse text to an object, empty text to {}", () => {
    expect(parseJsonFlag("--tunables", "")).toEqual({});
    expect(parseJsonFlag("--tunables", '{"lr0": 1}')).toEqual({ lr0: 1 });
    expect(() => parseJsonFlag("--task_args", '"small"')).toThrow(FlagError);
  });

  it("keep what was given, typed, and nothing else", () => {
    expect(readFlagObject("--task_args", schemas.taskArgs, { size: "tiny" })).toEqual({ size: "tiny" });
    expect(readFlagObject("--dataset-config", schemas.datasetConfig, { path: "d", multiscale: true })).toEqual({ path: "d", multiscale: true });
    expect(readFlagObject("--tunables", schemas.tunables, { lr0: 1e-3, clip_gradient_norm: null })).toEqual({ lr0: 1e-3, clip_gradient_norm: null });
  });

  it("report unknown keys first, then the first wrong key, naming flag, key and value", () => {
    expect(read("--dataset-config", schemas.datasetConfig, { path: 3, x: 1 })).toThrow("autosing train: --dataset-config has unknown key x (known: path, num_partitions, partition_offset, parts, shufbuf_size, multiscale, p_coarse, p_no_cond)");
    expect(read("--dataset-config", schemas.datasetConfig, { path: "d", p_coarse: "0.5", multiscale: "yes" })).toThrow('autosing train: --dataset-config "multiscale" must be true or false, got "yes"');
    expect(read("--dataset-config", schemas.datasetConfig, { path: "d", p_coarse: "0.5" })).toThrow('autosing train: --dataset-config "p_coarse" must be a number, got "0.5"');
    expect(read("--dataset-config", schemas.datasetConfig, {})).toThrow('autosing train: --dataset-config needs "path" (the constructed dataset folder)');
    expect(read("--tunables", schemas.tunables, { rope: 1 })).toThrow('autosing train: --tunables "rope" must be true or false, got 1');
    expect(read("--tunables", schemas.tunables, { lr: 1 })).toThrow(`--tunables has unknown key lr (known: ${Object.keys(DEFAULT_SM2A_TUNABLES).join(", ")})`);
    expect(read("--task_args", schemas.taskArgs, { size: "huge" })).toThrow('autosing train: unknown sm2a size "huge" (one of tiny, base, small, baseline, medium, large)');
    expect(read("--task_args", schemas.taskArgs, { size: "tiny", base_model: "m" })).toThrow("sm2a frozen_acoustic_embeddings / base_model are not supported yet");
  });

  it("take upstream's parts and partition_offset for t2s and sm2a", () => {
    for (const task of [TRAINING_TASKS.t2s, TRAINING_TASKS.sm2a]) {
      const config = { path: "d", parts: ["main", "extra"], partition_offset: 4, num_partitions: 2 };
      expect(readFlagObject("--dataset-config", task.schemas.datasetConfig, config)).toEqual(config);
      expect(read("--dataset-config", task.schemas.datasetConfig, { path: "d", parts: "main" })).toThrow(/--dataset-config "parts" must be/);
    }
  });

  it("word the artist embedder's dimensions and artist file", () => {
    const artist = TRAINING_TASKS.artist_emb.schemas;
    expect(read("--task_args", artist.taskArgs, { codes: 0 })).toThrow('autosing train: --task_args "codes" must be a positive integer, got 0');
    expect(read("--dataset-config", artist.datasetConfig, { path: "d", artist_file: "" })).toThrow('--dataset-config needs "artist_file" for artist_embeddings');
    expect(readFlagObject("--dataset-config", artist.datasetConfig, { path: "d", artist_file: "a.json", min_song_count: "any" })).toMatchObject({ artist_file: "a.json" });
  });
});
