/**
 * Frozen semantic embeddings (upstream `make_model` → `load_frozen_semantic_embeddings`): t2s and
 * sm2a train with BN-Whisper's codebook copied into their semantic embedding and never changed —
 * given as a file in `--task_args`, or found through `--models` — and a codebook of the wrong
 * shape or one that is not there fails naming the file. The codebook is written here, seeded;
 * the smallest sizes train a couple of steps on a tiny dataset.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { initializeParameters } from "@autosing/nn";
import { mainTable, stepPath, writeTable } from "@autosing/parquet-io";
import { writeSemanticEmbeddings } from "@autosing/pretrained";
import { readSafetensors } from "@autosing/safetensors";
import { T2S_SEMANTIC_EMBEDDING_KEY, type T2SConfig, type T2STunables, t2sParameterSpecs } from "@autosing/t2s-model";
import { SM2A_SEMANTIC_EMBEDDING_KEY } from "@autosing/sm2a-model";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { registerImportCommand } from "../src/commands/import.js";
import { ExitCode } from "../src/index.js";
import { CODEBOOK_IMPORTER, writeCodebook } from "./helpers/codebook-importer.js";
import { cli } from "./helpers/run-cli.js";

/** BN-Whisper's codebook: 2048 codes + the padding code of mask_embs, 64 wide. */
const CODES = 2049;
const WIDTH = 64;

let root: string;
let dataset: string;
let codebook: Float32Array;
let embeddingsFile: string;
let models: string;

async function savedWeights(modelDir: string): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  return readSafetensors(await readFile(join(modelDir, "model.safetensors"))).tensors;
}

function trainArgs(task: string, taskArgs: object, name: string): string[] {
  return [
    "train",
    "--task_name",
    task,
    "--task_args",
    JSON.stringify(taskArgs),
    "--dataset-config",
    JSON.stringify({ path: dataset }),
    "--tunables",
    '{"lr0": 3e-3, "warmup_steps": 0}',
    "--batch-size",
    "1",
    "--epochs",
    "1",
    "--validate-every-n-steps",
    "0",
    // The test dataset has no alignments: t2s trains on upstream's placeholder text, which is fine here.
    "--allow-missing-text",
    "--backend",
    "wasm",
    "--checkpoint-dir",
    join(root, `${name}-ck`),
    "--output-dir",
    join(root, `${name}-models`),
  ];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-cli-frozen-"));
  // "short" in the path gives 450 text bytes, as upstream's T2SDataset decides.
  dataset = join(root, "short_ds");
  const frames = 16;
  for (const partition of [0, 1]) {
    const rows = Array.from({ length: 2 }, (_, i) => ({
      id: `p${partition}_${i}`,
      atoks: Int32Array.from({ length: 4 * frames }, (_, k) => (k * 3 + i) % 4096),
      mtoks: Int32Array.from({ length: 4 * frames }, (_, k) => (k * 5 + i) % 4096),
      stoks: Int32Array.from({ length: 20 }, (_, k) => (k * 37 + i * 11) % 2048),
      embs: new Float32Array(768).fill(0.1),
      alignment: null,
    }));
    await writeTable(stepPath(dataset, partition, "main"), mainTable(), rows);
  }
  // The BN-Whisper model folder as `autosing import bn-whisper` writes it, in a models directory.
  const source = join(root, "rvq.safetensors");
  codebook = await writeCodebook(source, CODES, WIDTH, 5);
  models = join(root, "models");
  const program = new Command("autosing").exitOverride();
  registerImportCommand(program, { stdout: () => undefined, stderr: () => undefined }, [CODEBOOK_IMPORTER]);
  await program.parseAsync(["import", "bn-whisper", source, "--models", models], { from: "user" });
  embeddingsFile = join(models, "bn-whisper", "semantic-embeddings.safetensors");
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("training with frozen semantic embeddings", () => {
  it("t2s: the embedding equals the codebook after training steps, while the other weights train", async () => {
    const result = await cli(...trainArgs("t2s", { size: "micro", frozen_embeddings_model: embeddingsFile }, "t2s"));
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`t2s: frozen semantic embeddings [${CODES}, ${WIDTH}] from ${embeddingsFile} (not trained, as upstream)`);
    const summary = JSON.parse(result.stdout) as { steps: number; model: string };
    expect(summary.steps).toBe(2);
    const saved = await savedWeights(summary.model);
    const embedding = saved.get(T2S_SEMANTIC_EMBEDDING_KEY);
    expect(embedding?.shape).toEqual([CODES, WIDTH]);
    expect(embedding?.data).toEqual(codebook);
    // The config takes the codebook's vocabulary and width, as upstream's make_model does.
    const { config, tunables } = JSON.parse(await readFile(join(summary.model, "config.json"), "utf8")) as { config: T2SConfig; tunables: T2STunables };
    expect([config.stoks_codes, config.stoks_width]).toEqual([CODES, WIDTH]);
    // A trained weight moved away from its seeded initial value (the run's seed is 0).
    const initial = initializeParameters(t2sParameterSpecs(config, tunables, { frozenSemanticEmbeddings: true }), 0);
    const special = "embeddings.embedding.special.weight";
    expect(saved.get(special)?.data).not.toEqual(initial.get(special)?.data);

    // --load-from a model whose semantic embedding has another shape: refused, naming the file and the tensor.
    const small = join(root, "small.safetensors");
    await writeSemanticEmbeddings(small, { codes: 9, width: 4, data: new Float32Array(36) });
    const mismatch = await cli(...trainArgs("t2s", { size: "micro", frozen_embeddings_model: small }, "t2s-mismatch"), "--load-from", summary.model);
    expect(mismatch.code).toBe(ExitCode.badInput);
    expect(mismatch.stderr).toMatch(new RegExp(`${small.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: embeddings: has shape \\[9, 4\\], but the t2s model .* \\[stoks_codes, stoks_width\\] = \\[2049, 64\\]`));
  }, 240_000);

  it("sm2a: --models supplies the BN-Whisper codebook, which stays frozen", async () => {
    const result = await cli(...trainArgs("sm2a", { size: "tiny" }, "sm2a"), "--models", models);
    expect(result.stderr).not.toContain("unexpected error");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`autosing train: frozen_embeddings_model ${embeddingsFile} (model "bn-whisper", bn-whisper, from --models)`);
    const summary = JSON.parse(result.stdout) as { steps: number; model: string };
    expect(summary.steps).toBe(2);
    const embedding = (await savedWeights(summary.model)).get(SM2A_SEMANTIC_EMBEDDING_KEY);
    expect(embedding?.shape).toEqual([CODES, WIDTH]);
    expect(embedding?.data).toEqual(codebook);
  }, 240_000);

  it("refuses a frozen_embeddings_model that is not there, saying autosing downloads nothing", async () => {
    const result = await cli(...trainArgs("t2s", { size: "micro", frozen_embeddings_model: "streich/bn_whisper" }, "t2s-hf"));
    expect(result.code).toBe(ExitCode.badInput);
    expect(result.stderr).toMatch(/streich\/bn_whisper: does not exist \(autosing downloads nothing: import BN-Whisper with "autosing import bn-whisper/);
  });
});
