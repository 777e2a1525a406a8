import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import type { HostTensor } from "@autosing/safetensors";
import { decodeSafetensors, encodeSafetensors } from "@autosing/safetensors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { PretrainedSourceError } from "../src/index.js";
import { RVQ_COPY, WHISPER_COPY, fixtureBytes, runImport, scratchFolder } from "./bn-whisper-helpers.js";

type Edit = (tensors: Map<string, HostTensor>, metadata: Record<string, string>) => void;

const editJson = (metadata: Record<string, string>, key: string, change: (value: Record<string, unknown>) => void): void => {
  const value = JSON.parse(metadata[key] ?? "{}") as Record<string, unknown>;
  change(value);
  metadata[key] = JSON.stringify(value);
};

describe("autosing import bn-whisper refuses bad input, naming file and key, writing nothing", () => {
  let sources: Awaited<ReturnType<typeof scratchFolder>>;
  let output: Awaited<ReturnType<typeof scratchFolder>>;
  /** The error of the last `refusal`. */
  let refused: PretrainedSourceError | undefined;
  beforeEach(async () => {
    sources = await scratchFolder();
    output = await scratchFolder();
  });
  afterEach(async () => {
    await sources.cleanup();
    await output.cleanup();
  });

  /** A copy of a fixture with `edit` applied, written as `name` in the sources folder. */
  async function edited(fixture: "rvq.safetensors" | "whisper.safetensors", name: string, edit: Edit): Promise<string> {
    const { tensors, metadata } = decodeSafetensors(await fixtureBytes(fixture), fixture);
    const meta = { ...metadata };
    edit(tensors, meta);
    const path = join(sources.dir, name);
    await writeFile(path, encodeSafetensors(tensors, meta));
    return path;
  }

  /** Runs the import expecting a PretrainedSourceError on `file`; checks that the output folder stayed empty. */
  async function refusal(files: readonly string[], file: string): Promise<string> {
    const error = await runImport(files, output.dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PretrainedSourceError);
    refused = error as PretrainedSourceError;
    expect((error as PretrainedSourceError).source).toBe(file);
    expect(await readdir(output.dir)).toEqual([]);
    return (error as Error).message;
  }

  it("a missing state-dict key", async () => {
    const rvq = await edited("rvq.safetensors", "rvq.model", (t) => t.delete("state_dict.mlp.0.bias"));
    expect(await refusal([rvq, WHISPER_COPY], rvq)).toMatch(/missing key state_dict\.mlp\.0\.bias/u);
    expect(refused?.key).toBe("state_dict.mlp.0.bias");
  });

  it("all missing and extra keys at once", async () => {
    const whisper = await edited("whisper.safetensors", "whisper.pt", (t) => {
      const weight = t.get("model_state_dict.encoder.conv2.weight");
      t.delete("model_state_dict.encoder.conv2.weight");
      t.delete("model_state_dict.encoder.blocks.1.attn.out.bias");
      if (weight) t.set("model_state_dict.encoder.conv3.weight", weight);
    });
    const message = await refusal([RVQ_COPY, whisper], whisper);
    expect(message).toMatch(/missing keys model_state_dict\.encoder\.conv2\.weight, model_state_dict\.encoder\.blocks\.1\.attn\.out\.bias/u);
    expect(message).toMatch(/unexpected key model_state_dict\.encoder\.conv3\.weight/u);
    expect(refused?.key).toBeUndefined();
  });

  it("an extra key in rvq.model", async () => {
    const rvq = await edited("rvq.safetensors", "rvq.model", (t) => t.set("state_dict.extra.weight", { dtype: "float32", shape: [2], data: new Float32Array(2) }));
    expect(await refusal([rvq, WHISPER_COPY], rvq)).toMatch(/unexpected key state_dict\.extra\.weight/u);
  });

  it("a wrong shape", async () => {
    const whisper = await edited("whisper.safetensors", "whisper.pt", (t) => {
      const bias = t.get("model_state_dict.encoder.ln_post.bias");
      if (bias) t.set("model_state_dict.encoder.ln_post.bias", { ...bias, shape: [2, 4] });
    });
    const message = await refusal([RVQ_COPY, whisper], whisper);
    expect(message).toMatch(/model_state_dict\.encoder\.ln_post\.bias is \[2, 4\], expected \[8\]/u);
    expect(refused?.key).toBe("model_state_dict.encoder.ln_post.bias");
  });

  it("a config that does not match the weights (vq_codes)", async () => {
    const rvq = await edited("rvq.safetensors", "rvq.model", (_t, m) => editJson(m, "config", (c) => (c.vq_codes = 128)));
    expect(await refusal([rvq, WHISPER_COPY], rvq)).toMatch(/state_dict\.rq\.layers\.0\._codebook\.embed is \[1, 65, 4\], expected \[1, 129, 4\]/u);
  });

  it("an rvq.model over a different Whisper (width ≠ n_audio_state)", async () => {
    const whisper = await edited("whisper.safetensors", "whisper.pt", (_t, m) => editJson(m, "dims", (d) => (d.n_audio_state = 16)));
    expect(await refusal([RVQ_COPY, whisper], RVQ_COPY)).toMatch(/config\.n_head: .*n_audio_state = 16/u);
  });

  it("a config field of the wrong type and an unknown Tunables field", async () => {
    const rvq = await edited("rvq.safetensors", "rvq.model", (_t, m) => editJson(m, "config", (c) => (c.codebook_dim = "four")));
    expect(await refusal([rvq, WHISPER_COPY], rvq)).toMatch(/config\.codebook_dim: is "four", expected a positive integer/u);
    const tuned = await edited("rvq.safetensors", "rvq2.model", (_t, m) => editJson(m, "tunables", (c) => (c.warp = 3)));
    expect(await refusal([tuned, WHISPER_COPY], tuned)).toMatch(/tunables: unknown field warp/u);
  });

  it("a .model of the wrong kind (a t2s checkpoint)", async () => {
    const t2s = await edited("rvq.safetensors", "t2s.model", (_t, m) => editJson(m, "config", (c) => {
      for (const key of Object.keys(c)) delete c[key];
      Object.assign(c, { depth: 2, ttoks_len: 450, stoks_len: 750, mtoks_len: 2250 });
    }));
    const message = await refusal([t2s, WHISPER_COPY], t2s);
    expect(message).toMatch(/is a t2s checkpoint/u);
    expect(message).toMatch(/expected BN-Whisper's rvq\.model/u);
  });

  it("two rvq.model files: names the whisper.pt that is missing", async () => {
    const copy = await edited("rvq.safetensors", "rvq-copy.model", () => undefined);
    expect(await refusal([RVQ_COPY, copy], copy)).toMatch(/the other file must be BN-Whisper's whisper\.pt/u);
  });

  it("one file instead of two", async () => {
    expect(await refusal([RVQ_COPY], RVQ_COPY)).toMatch(/takes two files, rvq\.model and whisper\.pt/u);
  });

  it("a file that does not exist", async () => {
    const absent = join(sources.dir, "nowhere.pt");
    expect(await refusal([RVQ_COPY, absent], absent)).toMatch(/cannot be read/u);
  });
});
