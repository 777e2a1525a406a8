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
import sys
import time

import numpy as np
import torch
import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "golden"))
import mel_band_roformer as golden  # noqa: E402

REAL_YAML = golden.CONFIG_YAML.replace("chunk_size: 1024", "chunk_size: 352800").replace("dim_f: 64", "dim_f: 1024").replace("dim_t: 33", "dim_t: 801").replace("hop_length: 32", "hop_length: 441").replace("n_fft: 128", "n_fft: 2048")
REAL_YAML = REAL_YAML.replace("dim: 8\n", "dim: 384\n").replace("depth: 2\n", "depth: 12\n").replace("num_bands: 8", "num_bands: 60").replace("dim_head: 4", "dim_head: 64").replace("heads: 2", "heads: 8")
REAL_YAML = REAL_YAML.replace("dim_freqs_in: 65", "dim_freqs_in: 1025").replace("stft_hop_length: 32", "stft_hop_length: 441").replace("stft_win_length: 128", "stft_win_length: 2048")


def main(out, threads, mode):
    golden.install_stubs()
    from audio_separator.separator.architectures.mdxc_separator import MDXCSeparator
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
    model_data = yaml.load(open(yaml_path), Loader=yaml.FullLoader)
    model_data["is_roformer"] = True
    separator = object.__new__(MDXCSeparator)
    separator.model_data, separator.model_path, separator.torch_device = model_data, ckpt_path, torch.device("cpu")
    separator.pitch_shift, separator.override_model_segment_size, separator.segment_size, separator.overlap, separator.is_roformer = 0, False, 256, 8, True
    separator.is_vocal_main_target = False

    class Quiet:
        def debug(self, *a):
            pass

        info = error = debug

    separator.logger = Quiet()
    separator.load_model()
    mix = np.fromfile(os.path.join(out, "mix.f32"), dtype="<f4").reshape(2, -1)
    start = time.perf_counter()
    vocals = separator.demix(mix)
    seconds = time.perf_counter() - start
    vocals.astype("<f4").tofile(os.path.join(out, "torch-vocals.f32"))
    with open(os.path.join(out, "torch.json"), "w") as f:
        json.dump({"seconds": seconds, "threads": threads}, f)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "run")
