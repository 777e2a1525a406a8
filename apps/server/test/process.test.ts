/**
 * Process jobs without Redis: `POST /api/process` on the embedded queue (child-process workers),
 * the step's network taken from the models directory and kept warm, a missing network named, and
 * a job cancelled between rows leaving no table behind.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeAudio, firstChannel, fitDefaultCodec, serializeDefaultCodec } from "@autosing/audio-codec";
import { alignmentTable, atoksTable, indexTable, readTable, stepPath } from "@autosing/parquet-io";
import { recordModels } from "@autosing/pretrained";
import { createTruthSeparator, srcSep, vadExtract } from "@autosing/processing";
import { makeCorpus } from "@autosing/song-corpus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type JobProgress, type RunningServer, UnknownDatasetError, WarmModels, runJob, startServer } from "../src/index.js";
import { waitForJob } from "./helpers/job-client.js";

let root: string;
let dataset: string;
let models: string;
let server: RunningServer;
const log: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-server-process-"));
  dataset = join(root, "corpus");
  models = join(root, "models");
  await mkdir(dataset);
  // Partition 0 holds one song, partition 1 two.
  await makeCorpus(dataset, { songs: 3, partitions: 2, seed: 7, seconds: 9, format: "wav" });
  // Stems for partition 0, so atoks has its input (the truth oracle: the server has no separator here).
  await vadExtract(dataset, 0, { chunkLength: 4, minOccupancy: 0.5 });
  const separator = await createTruthSeparator(dataset, 0);
  await srcSep(dataset, 0, { separator });
  await separator.dispose();
  // A tiny default codec in a models directory, as `autosing demo` records one.
  const rows = await readTable(stepPath(dataset, 0, "index"), indexTable, { columns: ["audio"] });
  const clips = await Promise.all(rows.map(async (row) => firstChannel(await decodeAudio(row.audio))));
  const codec = await fitDefaultCodec(clips, { config: { codebookSize: 32 }, iterations: 3, seed: 1, search: "js", maxTrainingVectors: 4000 });
  await mkdir(join(models, "default-codec"), { recursive: true });
  await writeFile(join(models, "default-codec", "codec.json"), await serializeDefaultCodec(codec, "json"));
  await recordModels(models, { "default-codec": { kind: "default-codec", files: { codec: "codec.json" } } });
  server = await startServer({ port: 0, models, datasets: [{ name: "corpus", dir: dataset }], state: join(root, "state"), workers: 1, log: (line) => log.push(line) });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

async function postProcess(body: unknown): Promise<string[]> {
  const response = await fetch(`${server.url}/api/process`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { ids: string[]; message?: string };
  expect(response.status, answer.message).toBe(202);
  return answer.ids;
}

describe("process jobs on the embedded queue", () => {
  it("aligns every partition: one job each, done, the table written and served as the job's output", async () => {
    const ids = await postProcess({ dataset: "corpus", step: "align", partitions: "all" });
    expect(ids).toHaveLength(2);
    for (const [partition, id] of ids.entries()) {
      const job = await waitForJob(server.url, id);
      expect(job).toMatchObject({ kind: "process", state: "done", error: null, outputs: [`/api/jobs/${id}/outputs/0`], attempts: 1 });
      expect(job.progress).toEqual({ stage: "align", step: partition + 1, total: partition + 1 });
      const table = await fetch(`${server.url}${job.outputs[0]}`);
      expect(table.status).toBe(200);
      expect(Buffer.from(await table.arrayBuffer()).subarray(0, 4).toString()).toBe("PAR1");
      const aligned = await readTable(stepPath(dataset, partition, "alignment"), alignmentTable);
      expect(aligned).toHaveLength(partition + 1);
    }
  });

  it("takes the step's network from the models directory and keeps it loaded in the worker", async () => {
    const [id] = await postProcess({ dataset: "corpus", step: "atoks", partitions: [0] });
    const job = await waitForJob(server.url, id!);
    expect(job.error).toBeNull();
    expect(job.state).toBe("done");
    expect(job.outputs).toHaveLength(2);
    for (const source of ["vocals", "no_vocals"]) {
      const tokens = await readTable(stepPath(dataset, 0, `atoks_${source}_default`), atoksTable(source, "default"));
      expect(tokens.length).toBeGreaterThan(0);
    }
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { models: Record<string, string> };
    expect(Object.values(health.models)).toContain(`process atoks: codec default:${join(models, "default-codec", "codec.json")}`);
  });

  it("fails a step whose network the models directory lacks, naming it and how to get one", async () => {
    const [id] = await postProcess({ dataset: "corpus", step: "stoks", partitions: [0] });
    const job = await waitForJob(server.url, id!);
    expect(job.state).toBe("failed");
    expect(job.error).toContain(`process stoks needs the semantic tokenizer, and the models directory ${models} has none; add one with autosing import bn-whisper`);
    expect(job.attempts).toBe(1);
  });

  it("stops a cancelled job between rows and leaves no table (nor temp file) behind", async () => {
    const controller = new AbortController();
    const progress: JobProgress[] = [];
    const context = {
      id: "cancelled-job-000",
      folder: join(root, "job"),
      modelsDir: undefined,
      datasets: [{ name: "corpus", dir: dataset }],
      warm: new WarmModels(),
      signal: controller.signal,
      reportProgress: (reported: JobProgress) => {
        progress.push(reported);
        controller.abort(new Error("cancelled by request"));
      },
    };
    await expect(runJob({ kind: "process", dataset: "corpus", step: "vad_extract", partition: 1 }, context)).rejects.toThrow("cancelled by request");
    expect(progress).toEqual([{ stage: "vad_extract", step: 1, total: 2 }]);
    expect((await readdir(join(dataset, "1"))).filter((file) => !["index.parquet", "truth.parquet", "alignment.parquet"].includes(file))).toEqual([]);
    await expect(runJob({ kind: "process", dataset: "../corpus", step: "align", partition: 0 }, { ...context, signal: new AbortController().signal })).rejects.toSatisfy((error) => UnknownDatasetError.isInstance(error));
    await context.warm.dispose();
  });
});
