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
from roformer_fork import TINY_AUDIO_YAML, TINY_YAML_TAIL, first_chunk, load_fork_separator, randomize_weights, write_f32  # noqa: E402

# 65 STFT bins (n_fft 128) in six contiguous bands, narrow at the bottom as upstream's defaults are.
CONFIG_YAML = TINY_AUDIO_YAML + """  dim: 8
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
""" + TINY_YAML_TAIL

OVERLAP_SECONDS = 0.01
SONG_SAMPLES = 3000


def main(out_dir):
    install_stubs()
    from audio_separator.separator.uvr_lib_v5.bs_roformer import BSRoformer

    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(4321)
    yaml_path = os.path.join(out_dir, "model_bs_roformer_tiny.yaml")
    with open(yaml_path, "w") as f:
        f.write(CONFIG_YAML)
    model_data = yaml.load(open(yaml_path), Loader=yaml.FullLoader)
    model = BSRoformer(**model_data["model"]).eval()
    randomize_weights(model)
    ckpt_path = os.path.join(out_dir, "model_bs_roformer_tiny.ckpt")
    torch.save(model.state_dict(), ckpt_path)

    separator = load_fork_separator(model_data, ckpt_path, OVERLAP_SECONDS)
    assert type(separator.model_run).__name__ == "BSRoformer", type(separator.model_run)

    t = np.arange(SONG_SAMPLES) / 44100
    rng = np.random.default_rng(11)
    mix = np.stack([0.4 * np.sin(2 * np.pi * 330 * t) + 0.1 * rng.standard_normal(SONG_SAMPLES), 0.3 * np.sin(2 * np.pi * 880 * t + 1) + 0.1 * rng.standard_normal(SONG_SAMPLES)]).astype(np.float32)
    vocals = separator.demix(mix)
    assert vocals.shape == mix.shape, vocals.shape

    chunk, chunk_masks, chunk_vocals = first_chunk(model, model_data, ckpt_path, mix)

    write_f32(out_dir, "mix.f32", mix)
    write_f32(out_dir, "vocals.f32", vocals)
    write_f32(out_dir, "chunk-vocals.f32", chunk_vocals)
    write_f32(out_dir, "chunk-masks.f32", chunk_masks)
    golden = {
        "upstream": "python-audio-separator fork (AutoSing's pin), uvr_lib_v5/bs_roformer.py + architectures/mdxc_separator.py demix; rotary-embedding-torch 0.6.5",
        "overlapSeconds": OVERLAP_SECONDS,
        "chunkSize": chunk,
        "songSamples": SONG_SAMPLES,
        "freqsPerBands": list(model_data["model"]["freqs_per_bands"]),
        "stateDictKeys": len(model.state_dict()),
        "chunkMasksShape": list(chunk_masks.shape),
        "chunkVocalsShape": list(chunk_vocals.shape),
    }
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")
    print("masks", chunk_masks.shape, "vocals", vocals.shape, "chunk", chunk, "ckpt bytes", os.path.getsize(ckpt_path), "keys", len(model.state_dict()))


if __name__ == "__main__":
    main(sys.argv[1])
