# Upstream side of bench/separator.bench.ts: builds the fork's MelBandRoformer at the real
# configuration of model_mel_band_roformer_ep_3005_sdr_11.4360 (dim 384, depth 12, 60 bands, STFT
# 2048/441, mask estimator depth 2; ZFTurbo's published YAML) with seeded random weights, writes
# `<out>/model_mel_band_roformer_bench.{ckpt,yaml}` as published, then times the fork's own
# MDXCSeparator.demix (overlap 8 s) on `<out>/mix.f32` ([2, L] float32) with torch on the CPU and
# writes `<out>/torch-vocals.f32` and `<out>/torch.json` ({ seconds, threads }).
# Stand-ins: those of scripts/golden/mel_band_roformer.py (flash_attn false on torch 1.13).
# Run: /usr/bin/python3 bench/separator_torch.py <out> <threads> [write|run]
import json
import os
import re
import sys
import time

import numpy as np
import torch
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "golden"))
import mel_band_roformer as golden  # noqa: E402
from roformer_fork import load_fork_separator  # noqa: E402

# The real model's values, field by field (anchored, so "depth: 2" is the model's depth and not mask_estimator_depth).
REAL_VALUES = {
    "chunk_size": 352800, "dim_f": 1024, "dim_t": 801, "hop_length": 441, "n_fft": 2048, "dim": 384, "depth": 12, "num_bands": 60, "dim_head": 64,
    "heads": 8, "dim_freqs_in": 1025, "stft_n_fft": 2048, "stft_hop_length": 441, "stft_win_length": 2048, "mask_estimator_depth": 2,
}
REAL_YAML = golden.CONFIG_YAML
for key, value in REAL_VALUES.items():
    REAL_YAML = re.sub(rf"^(\s+){key}: \S+$", rf"\g<1>{key}: {value}", REAL_YAML, flags=re.M)


def main(out, threads, mode):
    golden.install_stubs()
    from audio_separator.separator.uvr_lib_v5.mel_band_roformer import MelBandRoformer

    torch.set_num_threads(threads)
    yaml_path = os.path.join(out, "model_mel_band_roformer_bench.yaml")
    ckpt_path = os.path.join(out, "model_mel_band_roformer_bench.ckpt")
    if mode == "write":
        with open(yaml_path, "w") as f:
            f.write(REAL_YAML)
        torch.manual_seed(0)
        model = MelBandRoformer(**yaml.load(REAL_YAML, Loader=yaml.FullLoader)["model"])
        torch.save(model.state_dict(), ckpt_path)
        return
    separator = load_fork_separator(yaml.load(open(yaml_path), Loader=yaml.FullLoader), ckpt_path, 8)
    mix = np.fromfile(os.path.join(out, "mix.f32"), dtype="<f4").reshape(2, -1)
    start = time.perf_counter()
    vocals = separator.demix(mix)
    seconds = time.perf_counter() - start
    vocals.astype("<f4").tofile(os.path.join(out, "torch-vocals.f32"))
    with open(os.path.join(out, "torch.json"), "w") as f:
        json.dump({"seconds": seconds, "threads": threads}, f)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "run")
