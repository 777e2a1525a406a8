// openUpstreamFile on PyTorch files: the documented root contract ({ $tensor } / { $global }
// markers, plain values) and lazily read tensors by dotted path.
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { openUpstreamFile, stateDictUnder } from "../src/index.js";
import { fixtures } from "./upstream-checkpoints-helpers.js";

describe("openUpstreamFile on torch.save files", () => {
  it("a .model: config and tunables as plain values, state_dict entries as $tensor markers", async () => {
    const file = await openUpstreamFile(join(fixtures, "sm2a.model"));
    const root = file.root as { config: Record<string, unknown>; tunables: Record<string, unknown>; state_dict: Record<string, unknown> };
    expect(root.config).toMatchObject({ depth: 2, speaker_map: { singer: 0 }, atoks_width: null, pattern: "bricks_unrolled" });
    expect(root.state_dict["decoder.ln_post.weight"]).toEqual({ $tensor: "state_dict.decoder.ln_post.weight" });
    expect(root.state_dict._extra_state).toEqual({ speaker_map: { singer: 0 } });
    const tensor = file.tensors.get("state_dict.decoder.ln_post.weight");
    expect(tensor?.shape).toEqual([16]);
    expect(tensor?.dtype).toBe("float32");
    expect(stateDictUnder(file, "state_dict.").get("decoder.ln_post.weight")?.data).toHaveLength(16);
    file.close();
  });

  it("a Lightning .ckpt: weights under state_dict.model., other objects as inert $global markers", async () => {
    const file = await openUpstreamFile(join(fixtures, "t2s-lightning.ckpt"));
    const root = file.root as Record<string, unknown>;
    expect(root["pytorch-lightning_version"]).toBe("2.1.3");
    const callbacks = root.callbacks as Record<string, Record<string, unknown>>;
    const checkpoint = Object.values(callbacks)[0] as Record<string, unknown>;
    expect(checkpoint.dirpath).toEqual({ $global: "pathlib.PurePosixPath" });
    expect(checkpoint.best_model_score).toEqual({ $tensor: expect.stringMatching(/^callbacks\..*\.best_model_score$/) as unknown });
    expect([...file.tensors.keys()].filter((name) => name.startsWith("state_dict.model.")).length).toBe(156);
    expect([...file.tensors.keys()].some((name) => name.startsWith("optimizer_states.0.state."))).toBe(true);
    file.close();
  });
});
