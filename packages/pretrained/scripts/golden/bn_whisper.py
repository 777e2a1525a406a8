# Golden fixtures for `autosing import bn-whisper` (@autosing/pretrained, src/bn-whisper/).
#
# What it does: runs the upstream code itself — AutoSing's BNWhisper (a WhisperSpeech
# RQBottleneckTransformer, vector-quantize-pytorch's ResidualVQ with cosine similarity) over an
# OpenAI-Whisper encoder — at a reduced width with seeded random weights, saves both networks
# exactly as upstream publishes them (`whisper.pt` = {"dims", "model_state_dict"} as
# whisper.load_model reads it; `rvq.model` through RQBottleneckTransformer.save_model), loads them
# back through upstream's own loaders (BNWhisper.load_model(..., load_from_hf=False) and
# whisper.load_model), and records a deterministic 3 s 16 kHz test signal (int16 WAV), upstream's
# log-mel of it (whisper.log_mel_spectrogram) and the tokens of encode_mel on that log-mel: the
# 75 tokens of the real frames and all 750 of the padded 3000-frame window. A second bottleneck
# over the same Whisper (`rvq-conv.model`) takes the other Tunables branches (downsample_conv, no
# mask_embs, no rope) and has no codebook projections.
# It also writes safetensors copies of both files (tensors under the same dotted paths the
# PyTorch files give them, `state_dict.<key>` / `model_state_dict.<key>`, and the `config`,
# `tunables` and `dims` dicts JSON-encoded in `__metadata__` under the same top-level keys), so the
# importer reads both through the same code path.
#
# Run (from the repository root, Debian's python3-torch 1.13):
#   PYTHONPATH=/work/upstream/autosing:/work/upstream/WhisperSpeech:/work/upstream/whisper-20240930:\
#   /work/upstream/vector-quantize-pytorch-1.6.22:/work/upstream/einops-0.8.0 \
#   /usr/bin/python3 packages/pretrained/scripts/golden/bn_whisper.py
#
# Upstream versions: autosing (streichgeorg/autosing, bn_whisper.py), WhisperSpeech (streichgeorg
# fork, vq_stoks.py + modules.py), openai-whisper 20240930, vector-quantize-pytorch 1.6.22,
# einops 0.8.0.
#
# Stand-ins (modules the encode path never calls, missing from Debian's python3): torchaudio,
# fastprogress, pylab, pandas, IPython, webdataset, huggingface_hub, tqdm, tiktoken, numba,
# fastcore.script and whisperspeech.train are empty modules; fastcore.basics.store_attr is a
# plain re-implementation (set the named constructor arguments as attributes and record them in
# `__stored_args__`, which save_model writes as `config`); torch 1.13 lacks
# F.scaled_dot_product_attention, so a plain softmax(q k^T / sqrt(d) + mask) v stands in (only
# WhisperSpeech's out_blocks call it, and encode_mel does not reach them; Whisper's own attention
# falls back to its non-SDPA path on this torch by itself). RQBottleneckTransformer.ensure_whisper
# also builds Whisper's tokenizer (tiktoken); the script instead sets `whmodel` to
# whisper.load_model(whisper.pt) itself, which is the rest of what ensure_whisper does.
import dataclasses
import json
import math
import os
import struct
import sys
import types
import wave

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "__fixtures__", "bn-whisper")


def stub(name, **attributes):
    module = types.ModuleType(name)
    for key, value in attributes.items():
        setattr(module, key, value)
    sys.modules[name] = module
    return module


def store_attr(names):
    # Plain stand-in for fastcore.basics.store_attr(names): the caller's named arguments become
    # attributes and are recorded in __stored_args__ (what save_model writes as `config`).
    frame = sys._getframe(1)
    owner = frame.f_locals["self"]
    stored = owner.__dict__.setdefault("__stored_args__", {})
    for name in [n.strip() for n in names.split(",")]:
        value = frame.f_locals[name]
        setattr(owner, name, value)
        stored[name] = value


def plain_sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if is_causal:
        n, m = scores.shape[-2:]
        scores = scores.masked_fill(torch.ones(n, m, dtype=torch.bool).triu(1), float("-inf"))
    if attn_mask is not None:
        scores = scores + attn_mask
    return torch.softmax(scores, dim=-1) @ v


def install_stand_ins():
    for name in ["torchaudio", "fastprogress", "pylab", "pandas", "IPython", "webdataset", "tiktoken", "fastcore.script", "whisperspeech.train"]:
        stub(name)
    sys.modules["fastprogress"].progress_bar = lambda x, **_: x
    sys.modules["fastprogress"].master_bar = lambda x, **_: x
    sys.modules["tiktoken"].Encoding = object
    stub("tqdm", tqdm=lambda x=None, **_: x)
    stub("numba", jit=lambda *a, **k: (lambda f: f))
    stub("huggingface_hub", hf_hub_download=None)
    stub("fastcore")
    stub("fastcore.basics", store_attr=store_attr)
    if not hasattr(F, "scaled_dot_product_attention"):
        F.scaled_dot_product_attention = plain_sdpa


def perturb_layer_norms(module, generator):
    # Upstream initialises LayerNorms to weight 1, bias 0; random affine parameters make the
    # fixture check that the importer reads them.
    for sub in module.modules():
        if isinstance(sub, torch.nn.LayerNorm):
            with torch.no_grad():
                sub.weight.copy_(1 + 0.2 * torch.randn(sub.weight.shape, generator=generator))
                sub.bias.copy_(0.2 * torch.randn(sub.bias.shape, generator=generator))


def write_safetensors(path, tensors, metadata):
    codes = {torch.float32: "F32", torch.int64: "I64", torch.int32: "I32"}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in tensors.items():
        array = tensor.detach().contiguous().cpu().numpy()
        blob = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": codes[tensor.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def test_signal(seconds=3, rate=16000):
    # A vibrato tone with three harmonics, a rising chirp and seeded noise under an envelope,
    # quantised to int16 so TypeScript reads exactly the samples upstream saw.
    t = np.arange(seconds * rate) / rate
    f0 = 220 * 2 ** (0.5 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voice = sum(np.sin(k * phase) / k for k in (1, 2, 3))
    chirp = np.sin(2 * np.pi * (300 * t + 600 * t ** 2))
    noise = np.random.default_rng(5).normal(size=t.shape)
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 1.3 * t) ** 2
    signal = envelope * (0.25 * voice + 0.1 * chirp * (t > 1.2) + 0.03 * noise)
    return np.clip(np.round(signal * 12000), -32768, 32767).astype(np.int16)


def main():
    install_stand_ins()
    import whisper
    from whisper.model import ModelDimensions, Whisper
    from whisperspeech.vq_stoks import Tunables
    from autosing.bn_whisper import BNWhisper

    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)

    # A reduced Whisper: 3000 mel frames still fit (n_audio_ctx 1500), narrow and shallow; a tiny text side.
    dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=8, n_audio_head=2, n_audio_layer=2,
                           n_vocab=24, n_text_ctx=4, n_text_state=8, n_text_head=2, n_text_layer=1)
    whisper_model = Whisper(dims)
    perturb_layer_norms(whisper_model, generator)
    with torch.no_grad():
        # Whisper leaves the text positional embedding uninitialised (torch.empty): give it values
        # so the file is the same on every run.
        whisper_model.decoder.positional_embedding.copy_(0.02 * torch.randn(dims.n_text_ctx, dims.n_text_state, generator=generator))
    whisper_path = os.path.join(OUT, "whisper.pt")
    torch.save({"dims": dataclasses.asdict(dims), "model_state_dict": whisper_model.state_dict()}, whisper_path)

    # BN-Whisper as autosing/bn_whisper.py make_model builds it, at width 8 (2 heads of 4) instead
    # of 768, with 64 codes of 4 dimensions instead of 2048 of 64 (still projected: 4 < 8).
    rq = BNWhisper(codebook_dim=4, vq_codes=64, q_depth=1, n_head=2, head_width=4, depth=1, downsample=2,
                   threshold_ema_dead_code=0, use_cosine_sim=True, whisper_model_name="whisper.pt", tunables=Tunables())
    perturb_layer_norms(rq, generator)
    with torch.no_grad():
        # Larger random MLP and projection weights than the μP init, so every path moves the tokens.
        for name in ["mlp.0", "mlp.2", "rq.layers.0.project_in"]:
            layer = rq.get_submodule(name)
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator) / math.sqrt(layer.weight.shape[1]))
            layer.bias.copy_(0.1 * torch.randn(layer.bias.shape, generator=generator))
        embed = rq.rq.layers[0]._codebook.embed
        embed.copy_(F.normalize(torch.randn(embed.shape, generator=generator), dim=-1))
    rvq_path = os.path.join(OUT, "rvq.model")
    rq.save_model(rvq_path)

    # Back through upstream's loaders, as AutoSing runs it.
    vq = BNWhisper.load_model(rvq_path, load_from_hf=False)
    vq.whmodel = [whisper.load_model(whisper_path, device="cpu")]

    samples = test_signal()
    with wave.open(os.path.join(OUT, "signal.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.astype("<i2").tobytes())
    audio = torch.from_numpy(samples.astype(np.float32) / 32768.0)

    with torch.no_grad():
        mel = whisper.log_mel_spectrogram(audio.unsqueeze(0))  # [1, 80, 300]
        tokens = vq.encode_mel(mel)  # [1, 75]: the tokens of the real frames
        padded = F.pad(mel, (0, 3000 - mel.shape[-1]), value=-1.5)
        tokens_full = vq.quantize(vq.whmodel[0].encoder(padded))  # [1, 750]

    # A second bottleneck over the same Whisper reaching the other branches: Tunables with
    # downsample_conv (x[:, ::2] + a strided conv), no mask_embs (no padding code), no rope, and
    # codebook_dim equal to the width (vector-quantize-pytorch then has no projections).
    conv = BNWhisper(codebook_dim=8, vq_codes=32, q_depth=1, n_head=2, head_width=4, depth=1, downsample=2,
                     threshold_ema_dead_code=0, use_cosine_sim=True, whisper_model_name="whisper.pt",
                     tunables=Tunables(downsample_conv=True, downsample_mean=False, mask_embs=False, rope=False))
    perturb_layer_norms(conv, generator)
    with torch.no_grad():
        for name in ["mlp.0", "mlp.2", "downsample_conv"]:
            layer = conv.get_submodule(name)
            fan_in = layer.weight[0].numel()
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator) / math.sqrt(fan_in))
            layer.bias.copy_(0.1 * torch.randn(layer.bias.shape, generator=generator))
        embed = conv.rq.layers[0]._codebook.embed
        embed.copy_(F.normalize(torch.randn(embed.shape, generator=generator), dim=-1))
    conv_path = os.path.join(OUT, "rvq-conv.model")
    conv.save_model(conv_path)
    vq_conv = BNWhisper.load_model(conv_path, load_from_hf=False)
    vq_conv.whmodel = vq.whmodel
    with torch.no_grad():
        conv_tokens_full = vq_conv.encode_mel(padded)  # no mask_embs: all 750 tokens

    assert torch.equal(tokens_full[:, : tokens.shape[1]], tokens)
    distinct = len(torch.unique(tokens_full))
    assert distinct >= 8, f"only {distinct} distinct tokens: the fixture would not tell codes apart"

    spec = torch.load(rvq_path)
    write_safetensors(os.path.join(OUT, "rvq.safetensors"),
                      {f"state_dict.{k}": v for k, v in spec["state_dict"].items()},
                      {"config": json.dumps(spec["config"]), "tunables": json.dumps(spec["tunables"])})
    spec = torch.load(conv_path)
    write_safetensors(os.path.join(OUT, "rvq-conv.safetensors"),
                      {f"state_dict.{k}": v for k, v in spec["state_dict"].items()},
                      {"config": json.dumps(spec["config"]), "tunables": json.dumps(spec["tunables"])})
    checkpoint = torch.load(whisper_path)
    write_safetensors(os.path.join(OUT, "whisper.safetensors"),
                      {f"model_state_dict.{k}": v for k, v in checkpoint["model_state_dict"].items()},
                      {"dims": json.dumps(checkpoint["dims"])})
    write_safetensors(os.path.join(OUT, "golden.safetensors"),
                      {"mel": mel[0], "tokens": tokens[0].to(torch.int64), "tokens_full": tokens_full[0].to(torch.int64),
                       "conv_tokens_full": conv_tokens_full[0].to(torch.int64),
                       "codebook": vq.rq.layers[0]._codebook.embed[0]},
                      {"source": "packages/pretrained/scripts/golden/bn_whisper.py", "signal": "signal.wav",
                       "mel": "whisper.log_mel_spectrogram of signal.wav (int16 / 32768), [80, frames]",
                       "tokens": "BNWhisper.encode_mel(mel)[0]", "tokens_full": "quantize(encoder(mel padded to 3000 with -1.5))[0]",
                       "conv_tokens_full": "the rvq-conv.model bottleneck's encode_mel(mel padded to 3000 with -1.5)[0]"})
    print(f"{distinct} distinct tokens in 750; tokens[:20] = {tokens[0, :20].tolist()}")
    print(f"conv variant: {len(torch.unique(conv_tokens_full))} distinct tokens in 750")
    for name in sorted(os.listdir(OUT)):
        print(f"{name}: {os.path.getsize(os.path.join(OUT, name))} bytes")


if __name__ == "__main__":
    main()
