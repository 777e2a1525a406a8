# Golden fixtures for the BS-RoFormer path of the separator importer of @autosing/pretrained
# (test/separator-bs-roformer.test.ts) and the RoFormer adapter of @autosing/separation.
#
# What it does: builds upstream's BSRoformer (python-audio-separator fork pinned by AutoSing,
# audio_separator/separator/uvr_lib_v5/bs_roformer.py) at a reduced width with seeded random weights,
# saves it as the fork loads it (`torch.save(model.state_dict())` as a .ckpt beside its YAML, whose
# model block names `freqs_per_bands`, the fork's test for BSRoformer in MDXCSeparator.load_model), and
# records: the network's masks on the first chunk (mask estimator output), that chunk separated (the
# model's forward), and the whole input (longer than two chunks, so chunk boundaries and the
# end-aligned last chunk are covered) separated by the fork's own MDXCSeparator.demix.
#
# Fixtures (test/__fixtures__/bs-roformer/): model_bs_roformer_tiny.ckpt, model_bs_roformer_tiny.yaml,
# golden.json, mix.f32 ([2, L] float32 little-endian), chunk-masks.f32, chunk-vocals.f32, vocals.f32.
#
# Run (from the repository root, Debian's python3-torch 1.13):
#   PYTHONPATH=/work/upstream/python-audio-separator:/work/upstream/rotary-embedding-torch-0.6.5:/work/upstream/einops-0.8.0 \
#     /usr/bin/python3 packages/pretrained/scripts/golden/bs_roformer.py packages/pretrained/test/__fixtures__/bs-roformer
#
# Stand-ins: the same as mel_band_roformer.py (its install_stubs is reused: beartype identity,
# librosa's filters.mel from librosa's own source for the fork's mel_band_roformer import, tqdm,
# ml_collections, scipy's hamming → numpy.hamming); flash_attn false in the YAML.
import json
import os
import sys

import numpy as np
import torch
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mel_band_roformer import install_stubs  # noqa: E402  (this folder's golden script, not upstream's module)

# 65 STFT bins (n_fft 128) in six contiguous bands, narrow at the bottom as upstream's defaults are.
CONFIG_YAML = """audio:
  chunk_size: 1024
  dim_f: 64
  dim_t: 33
  hop_length: 32
  n_fft: 128
  num_channels: 2
  sample_rate: 44100
  min_mean_abs: 0.000

model:
  dim: 8
  depth: 2
  stereo: true
  num_stems: 1
  time_transformer_depth: 1
  freq_transformer_depth: 1
  linear_transformer_depth: 0
  freqs_per_bands: !!python/tuple
  - 2
  - 2
  - 4
  - 8
  - 16
  - 33
  dim_head: 4
  heads: 2
  attn_dropout: 0.1
  ff_dropout: 0.1
  flash_attn: false
  dim_freqs_in: 65
  stft_n_fft: 128
  stft_hop_length: 32
  stft_win_length: 128
  stft_normalized: False
  mask_estimator_depth: 2
  multi_stft_resolution_loss_weight: 1.0
  multi_stft_resolutions_window_sizes: !!python/tuple
  - 128
  - 64
  multi_stft_hop_size: 147
  multi_stft_normalized: False

training:
  batch_size: 1
  instruments:
  - vocals
  - other
  target_instrument: vocals

inference:
  batch_size: 1
  dim_t: 33
  num_overlap: 2
"""

OVERLAP_SECONDS = 0.01
SONG_SAMPLES = 3000


def main(out_dir):
    install_stubs()
    from audio_separator.separator.architectures.mdxc_separator import MDXCSeparator
    from audio_separator.separator.uvr_lib_v5.bs_roformer import BSRoformer

    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(4321)
    yaml_path = os.path.join(out_dir, "model_bs_roformer_tiny.yaml")
    with open(yaml_path, "w") as f:
        f.write(CONFIG_YAML)
    model_data = yaml.load(open(yaml_path), Loader=yaml.FullLoader)
    model = BSRoformer(**model_data["model"]).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("gamma"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("freqs"):
                pass
            else:
                p.copy_(torch.randn_like(p) * (0.5 / max(1, p.shape[-1]) ** 0.5) if p.ndim > 1 else torch.randn_like(p) * 0.1)
    ckpt_path = os.path.join(out_dir, "model_bs_roformer_tiny.ckpt")
    torch.save(model.state_dict(), ckpt_path)

    model_data["is_roformer"] = True
    separator = object.__new__(MDXCSeparator)
    separator.model_data = model_data
    separator.model_path = ckpt_path
    separator.torch_device = torch.device("cpu")
    separator.pitch_shift = 0
    separator.override_model_segment_size = False
    separator.segment_size = 256
    separator.overlap = OVERLAP_SECONDS
    separator.is_roformer = True
    separator.is_vocal_main_target = False

    class Quiet:
        def debug(self, *a):
            pass

        info = error = debug

    separator.logger = Quiet()
    separator.load_model()
    assert type(separator.model_run).__name__ == "BSRoformer", type(separator.model_run)

    t = np.arange(SONG_SAMPLES) / 44100
    rng = np.random.default_rng(11)
    mix = np.stack([0.4 * np.sin(2 * np.pi * 330 * t) + 0.1 * rng.standard_normal(SONG_SAMPLES), 0.3 * np.sin(2 * np.pi * 880 * t + 1) + 0.1 * rng.standard_normal(SONG_SAMPLES)]).astype(np.float32)
    vocals = separator.demix(mix)
    assert vocals.shape == mix.shape, vocals.shape

    chunk = model_data["audio"]["hop_length"] * (model_data["inference"]["dim_t"] - 1)
    masks = []
    hook = model.mask_estimators[0].register_forward_hook(lambda m, i, o: masks.append(o.detach().numpy()))
    model.load_state_dict(torch.load(ckpt_path, map_location="cpu"))
    with torch.no_grad():
        chunk_vocals = model(torch.from_numpy(mix[:, :chunk]).unsqueeze(0))[0].numpy()
    hook.remove()

    mix.astype("<f4").tofile(os.path.join(out_dir, "mix.f32"))
    vocals.astype("<f4").tofile(os.path.join(out_dir, "vocals.f32"))
    chunk_vocals.astype("<f4").tofile(os.path.join(out_dir, "chunk-vocals.f32"))
    masks[0].astype("<f4").tofile(os.path.join(out_dir, "chunk-masks.f32"))
    golden = {
        "upstream": "python-audio-separator fork (AutoSing's pin), uvr_lib_v5/bs_roformer.py + architectures/mdxc_separator.py demix; rotary-embedding-torch 0.6.5",
        "overlapSeconds": OVERLAP_SECONDS,
        "chunkSize": chunk,
        "songSamples": SONG_SAMPLES,
        "freqsPerBands": list(model_data["model"]["freqs_per_bands"]),
        "stateDictKeys": len(model.state_dict()),
        "chunkMasksShape": list(masks[0].shape),
        "chunkVocalsShape": list(chunk_vocals.shape),
    }
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")
    print("masks", masks[0].shape, "vocals", vocals.shape, "chunk", chunk, "ckpt bytes", os.path.getsize(ckpt_path), "keys", len(model.state_dict()))


if __name__ == "__main__":
    main(sys.argv[1])
