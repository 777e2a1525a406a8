# Golden fixtures for the separator importer of @autosing/pretrained (test/separator*.test.ts) and the
# RoFormer adapter of @autosing/separation.
#
# What it does: builds upstream's MelBandRoformer (python-audio-separator fork pinned by AutoSing,
# audio_separator/separator/uvr_lib_v5/mel_band_roformer.py) at a reduced width with seeded random
# weights, saves it exactly as the fork loads it (`torch.save(model.state_dict())` as a .ckpt beside
# its YAML config, the layout of model_mel_band_roformer_ep_3005_sdr_11.4360.{ckpt,yaml}), and records:
#   - the band layout (freq_indices, num_bands_per_freq) the model derives from librosa's mel filters;
#   - for the first chunk of the input: the network's masks (the mask estimator's output, before the
#     scatter-average) and the separated chunk (the model's forward);
#   - the separated vocals of the whole input through the fork's own `MDXCSeparator.demix` (RoFormer
#     branch: chunk = hop_length × (dim_t − 1), step = overlap × sample_rate, Hamming-weighted
#     overlap-add, last chunk aligned to the end), on an input longer than two chunks;
#   - the fork's peak normalisation (spec_utils.normalize, normalization_threshold 0.9) on the same
#     input made LOUD_GAIN× louder: the mix scaled to peak 0.9 before demix, vocals and
#     instrumental (= normalised mix − vocals) as separate_batched gives them (AutoSing's src_sep).
#     (separate() then normalises each stem again; with random weights no stem here reaches 0.9, so
#     that step is tested in TypeScript against the same function's definition.)
#
# Fixtures (test/__fixtures__/mel-band-roformer/): model_mel_band_roformer_tiny.ckpt,
# model_mel_band_roformer_tiny.yaml, golden.json (settings, band layout, shapes), mix.f32 (the input,
# [2, L] float32 little-endian), chunk-masks.f32 ([1, 1, T, Σ2·f·2]), chunk-vocals.f32 ([2, chunk]),
# vocals.f32 ([2, L], demix's output), loud-vocals.f32 / loud-instrumental.f32 (separate_batched's
# stems of the loud input).
#
# Run (from the repository root, Debian's python3-torch 1.13):
#   PYTHONPATH=/work/upstream/python-audio-separator:/work/upstream/rotary-embedding-torch-0.6.5:/work/upstream/einops-0.8.0 \
#     /usr/bin/python3 packages/pretrained/scripts/golden/mel_band_roformer.py packages/pretrained/test/__fixtures__/mel-band-roformer
#
# Stand-ins (modules not installed for torch 1.13; none changes the arithmetic):
#   - librosa: only `filters.mel` is used; it is built in /tmp from librosa 0.10.2's own source
#     (filters.mel, convert.fft_frequencies / mel_frequencies / hz_to_mel / mel_to_hz, read with git
#     from the librosa mirror, decorators dropped), never copied into the repository;
#   - beartype: its decorator is the identity, beartype.typing is typing;
#   - flash_attn: false in the YAML (torch 1.13 has no scaled_dot_product_attention; the fork's Attend
#     then computes softmax(q kᵀ / √d) v itself, the same arithmetic);
#   - packaging.version (only read when flash is on), tqdm (identity), ml_collections.ConfigDict
#     (attribute access over the YAML's dicts), scipy.signal.windows.hamming → numpy.hamming (the same
#     symmetric window), common_separator / spec_utils (demix reads neither for a RoFormer model whose
#     output has the input's length).
# The upstream source is imported from PYTHONPATH, never copied.
import ast
import json
import os
import subprocess
import sys
import types
import typing

import numpy as np
import torch
import yaml
from roformer_fork import TINY_AUDIO_YAML, TINY_YAML_TAIL, first_chunk, load_fork_separator, randomize_weights, write_f32

LIBROSA_GIT = "/work/.mirror/librosa+librosa/repo"
LIBROSA_TAG = "0.10.2"
FORK = "/work/upstream/python-audio-separator/audio_separator"


def librosa_source(path, names):
    text = subprocess.check_output(["git", f"--git-dir={LIBROSA_GIT}", "show", f"{LIBROSA_TAG}:{path}"]).decode()
    tree = ast.parse(text)
    out = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            node.decorator_list = []
            out.append(ast.unparse(node))
    return "\n\n".join(out)


LOUD_GAIN = 2.5


def fork_normalize():
    """The fork's own spec_utils.normalize, read from its source (spec_utils itself is stubbed)."""
    with open(os.path.join(FORK, "separator", "uvr_lib_v5", "spec_utils.py")) as f:
        tree = ast.parse(f.read())
    scope = {"np": np}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "normalize":
            exec(ast.unparse(node), scope)
    return scope["normalize"]


def install_stubs():
    scope = {"np": np, "Optional": typing.Optional, "Union": typing.Union, "Literal": typing.Literal, "DTypeLike": object, "Any": typing.Any, "ParameterError": ValueError, "warnings": __import__("warnings"), "overload": typing.overload}
    scope.update({k: typing.Any for k in ["_FloatLike_co", "_ScalarOrSequence", "_SequenceLike", "_IterableLike"]})
    code = librosa_source("librosa/core/convert.py", {"fft_frequencies", "mel_frequencies", "hz_to_mel", "mel_to_hz"})
    code += "\n\n" + librosa_source("librosa/filters.py", {"mel"})
    exec(compile("from __future__ import annotations\n" + code, "librosa-0.10.2-excerpt", "exec"), scope)
    librosa = types.ModuleType("librosa")
    filters = types.ModuleType("librosa.filters")
    filters.mel = scope["mel"]
    librosa.filters = filters
    sys.modules["librosa"] = librosa
    sys.modules["librosa.filters"] = filters

    beartype = types.ModuleType("beartype")
    beartype.beartype = lambda f: f
    beartype.typing = typing
    sys.modules["beartype"] = beartype
    sys.modules["beartype.typing"] = typing

    packaging = types.ModuleType("packaging")
    version = types.ModuleType("packaging.version")
    version.parse = lambda v: tuple(int(p) for p in v.split("+")[0].split(".")[:3])
    packaging.version = version
    sys.modules["packaging"] = packaging
    sys.modules["packaging.version"] = version

    tqdm = types.ModuleType("tqdm")
    tqdm.tqdm = lambda it, *a, **k: it
    sys.modules["tqdm"] = tqdm

    class ConfigDict(dict):
        def __init__(self, value):
            super().__init__({k: ConfigDict(v) if isinstance(v, dict) else v for k, v in value.items()})

        def __getattr__(self, key):
            return self[key]

    ml = types.ModuleType("ml_collections")
    ml.ConfigDict = ConfigDict
    sys.modules["ml_collections"] = ml

    scipy = types.ModuleType("scipy")
    signal = types.ModuleType("scipy.signal")
    windows = types.ModuleType("scipy.signal.windows")
    windows.hamming = np.hamming
    signal.windows = windows
    scipy.signal = signal
    sys.modules.update({"scipy": scipy, "scipy.signal": signal, "scipy.signal.windows": windows})

    # The fork's packages without their __init__ (which imports the whole Separator and its I/O stack).
    for name, path in [("audio_separator", FORK), ("audio_separator.separator", f"{FORK}/separator")]:
        module = types.ModuleType(name)
        module.__path__ = [path]
        sys.modules[name] = module
    common = types.ModuleType("audio_separator.separator.common_separator")

    class CommonSeparator:
        pass

    common.CommonSeparator = CommonSeparator
    sys.modules[common.__name__] = common
    spec_utils = types.ModuleType("audio_separator.separator.uvr_lib_v5.spec_utils")
    sys.modules[spec_utils.__name__] = spec_utils


CONFIG_YAML = TINY_AUDIO_YAML + """  dim: 8
  depth: 2
  stereo: true
  num_stems: 1
  time_transformer_depth: 1
  freq_transformer_depth: 1
  num_bands: 8
  dim_head: 4
  heads: 2
  attn_dropout: 0.1
  ff_dropout: 0.1
  flash_attn: false
  dim_freqs_in: 65
  sample_rate: 44100
""" + TINY_YAML_TAIL

# The fork's overlap is in seconds (default 8); at the tiny chunk (1024 samples) a step of 441 samples.
OVERLAP_SECONDS = 0.01
SONG_SAMPLES = 3000


def main(out_dir):
    install_stubs()
    from audio_separator.separator.uvr_lib_v5.mel_band_roformer import MelBandRoformer

    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(1234)
    np.random.seed(1234)
    yaml_path = os.path.join(out_dir, "model_mel_band_roformer_tiny.yaml")
    with open(yaml_path, "w") as f:
        f.write(CONFIG_YAML)
    model_data = yaml.load(open(yaml_path), Loader=yaml.FullLoader)
    model = MelBandRoformer(**model_data["model"]).eval()
    randomize_weights(model)
    ckpt_path = os.path.join(out_dir, "model_mel_band_roformer_tiny.ckpt")
    torch.save(model.state_dict(), ckpt_path)

    # Reload exactly as the fork does, then run its demix.
    separator = load_fork_separator(model_data, ckpt_path, OVERLAP_SECONDS)

    t = np.arange(SONG_SAMPLES) / 44100
    rng = np.random.default_rng(7)
    mix = np.stack([0.4 * np.sin(2 * np.pi * 440 * t) + 0.1 * rng.standard_normal(SONG_SAMPLES), 0.3 * np.sin(2 * np.pi * 660 * t + 1) + 0.1 * rng.standard_normal(SONG_SAMPLES)]).astype(np.float32)
    vocals = separator.demix(mix)
    assert vocals.shape == mix.shape, vocals.shape

    chunk, chunk_masks, chunk_vocals = first_chunk(model, model_data, ckpt_path, mix)

    # The fork's normalisation: MixDataset / separate() scale the prepared mix, demix runs on it,
    # separate_batched's Instrumental is the normalised mix minus the vocals.
    normalize = fork_normalize()
    loud = normalize(wave=(mix * LOUD_GAIN).astype(np.float32), max_peak=0.9)
    loud_vocals = separator.demix(loud)
    loud_instrumental = loud - loud_vocals
    write_f32(out_dir, "loud-vocals.f32", loud_vocals)
    write_f32(out_dir, "loud-instrumental.f32", loud_instrumental)

    write_f32(out_dir, "mix.f32", mix)
    write_f32(out_dir, "vocals.f32", vocals)
    write_f32(out_dir, "chunk-vocals.f32", chunk_vocals)
    write_f32(out_dir, "chunk-masks.f32", chunk_masks)
    golden = {
        "upstream": "python-audio-separator fork (AutoSing's pin), uvr_lib_v5/mel_band_roformer.py + architectures/mdxc_separator.py demix; librosa 0.10.2 filters.mel; rotary-embedding-torch 0.6.5",
        "overlapSeconds": OVERLAP_SECONDS,
        "chunkSize": chunk,
        "songSamples": SONG_SAMPLES,
        "freqIndices": model.freq_indices.tolist(),
        "numBandsPerFreq": model.num_bands_per_freq.tolist(),
        "numFreqsPerBand": model.num_freqs_per_band.tolist(),
        "chunkMasksShape": list(chunk_masks.shape),
        "chunkVocalsShape": list(chunk_vocals.shape),
        "loudGain": LOUD_GAIN,
        "normalizationThreshold": 0.9,
    }
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")
    print("masks", chunk_masks.shape, "vocals", vocals.shape, "chunk", chunk, "ckpt bytes", os.path.getsize(ckpt_path))


if __name__ == "__main__":
    main(sys.argv[1])
