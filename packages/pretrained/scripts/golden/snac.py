# Golden fixtures for the SNAC importer of @autosing/pretrained (test/snac*.test.ts).
#
# What it does: builds upstream SNAC (snac 1.2.0, the version AutoSing pins) at a reduced width with
# seeded random weights, saves each network exactly as upstream publishes it on the Hugging Face hub
# (`config.json` + `pytorch_model.bin` from `torch.save(model.state_dict())`), plus a
# `model.safetensors` copy written by hand (8-byte header length, JSON header, raw little-endian
# data), and records an input with its codes per level and the decoded audio with the decoder's
# noise blocks zeroed.
#
# Fixtures (test/__fixtures__/snac/):
#   32khz/  SNAC 32 kHz's shape (hop 384, vq_strides 8 4 2 1, attention window 32, depthwise, noise)
#           at encoder_dim 4, decoder_dim 64, codebook 64 × 4. The rates are the real ones in a
#           different order (encoder [8, 8, 3, 2], decoder [2, 3, 8, 8]) so that the wide layers get
#           the short kernels and the weights stay small. pytorch_model.bin holds the weight-norm keys
#           torch 1.13 writes (`weight_g`/`weight_v`), model.safetensors the newer parametrized keys
#           (`parametrizations.weight.original0/1`), the same tensors renamed.
#   24khz/  SNAC 24 kHz's shape (3 levels, vq_strides 4 2 1, no attention, hop 512) at encoder_dim 2,
#           decoder_dim 16, codebook 32 × 4; model.safetensors only (to keep the fixtures small), in
#           the `weight_g`/`weight_v` key style.
#   Each: config.json, model.safetensors (+ pytorch_model.bin for 32khz), golden.json (codes, shapes),
#   input.i16 (the encoder input, int16 little-endian, value / 32768), decoded.f32 (the decoder's
#   output for the recorded codes, float32 little-endian, noise zeroed).
#
# Run (from the repository root, Debian's python3-torch 1.13):
#   PYTHONPATH=/work/upstream/snac-1.2.0:/work/upstream/einops-0.8.0 /usr/bin/python3 \
#     packages/pretrained/scripts/golden/snac.py packages/pretrained/test/__fixtures__/snac
#
# Stand-ins (torch 1.13 lacks them; neither changes the arithmetic of the forward pass):
#   - torch.nn.utils.parametrizations.weight_norm → torch.nn.utils.weight_norm (the older hook form,
#     same w = g · v / ‖v‖ over all dims but 0, keys weight_g/weight_v);
#   - torch.nn.functional.scaled_dot_product_attention → softmax(q kᵀ / √d) v (no mask, no dropout).
# The upstream source is imported from PYTHONPATH, never copied.
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torch.nn.utils.parametrizations as parametrizations

# This script is itself named snac.py: drop its folder from the path so `import snac` finds upstream.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]


def plain_weight_norm(module, name="weight", dim=0):
    return torch.nn.utils.weight_norm(module, name=name, dim=dim)


def plain_sdpa(q, k, v):
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    return torch.softmax(scores, dim=-1) @ v


parametrizations.weight_norm = plain_weight_norm
F.scaled_dot_product_attention = plain_sdpa

from snac import SNAC  # noqa: E402 (after the stand-ins, which snac.layers picks up at import)
from snac import layers  # noqa: E402

CONFIGS = {
    "32khz": {
        "sampling_rate": 32000,
        "encoder_dim": 4,
        "encoder_rates": [8, 8, 3, 2],
        "decoder_dim": 64,
        "decoder_rates": [2, 3, 8, 8],
        "attn_window_size": 32,
        "codebook_size": 64,
        "codebook_dim": 4,
        "vq_strides": [8, 4, 2, 1],
        "noise": True,
        "depthwise": True,
    },
    "24khz": {
        "sampling_rate": 24000,
        "encoder_dim": 2,
        "encoder_rates": [2, 4, 8, 8],
        "decoder_dim": 16,
        "decoder_rates": [8, 8, 4, 2],
        "attn_window_size": None,
        "codebook_size": 32,
        "codebook_dim": 4,
        "vq_strides": [4, 2, 1],
        "noise": True,
        "depthwise": True,
    },
}


def perturb(model, generator):
    """Random weights everywhere a default init would leave a trivial value (g = ‖v‖, zero biases, α = 1)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight_g"):
                p.mul_(0.6 + 0.8 * torch.rand(p.shape, generator=generator))
            elif name.endswith(".bias"):
                p.copy_(0.05 * torch.randn(p.shape, generator=generator))
            elif name.endswith(".alpha"):
                p.copy_(0.5 + torch.rand(p.shape, generator=generator))
            elif name.endswith("norm.weight"):
                p.copy_(0.8 + 0.4 * torch.rand(p.shape, generator=generator))
            elif name.endswith("codebook.weight"):
                p.copy_(torch.randn(p.shape, generator=generator))


def newer_key(key):
    if key.endswith(".weight_g"):
        return key[: -len("weight_g")] + "parametrizations.weight.original0"
    if key.endswith(".weight_v"):
        return key[: -len("weight_v")] + "parametrizations.weight.original1"
    return key


def write_safetensors(path, state):
    header, chunks, offset = {}, [], 0
    for key, tensor in state.items():
        data = tensor.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def test_signal(n, sampling_rate):
    """A deterministic input: two tones, a chirp and seeded noise, quantised to int16."""
    t = np.arange(n) / sampling_rate
    rng = np.random.default_rng(11)
    x = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.2 * np.sin(2 * np.pi * 1375 * t + 0.5)
    x += 0.15 * np.sin(2 * np.pi * (100 + 1500 * t) * t) + 0.05 * rng.standard_normal(n)
    return np.clip(np.round(x * 32768), -32768, 32767).astype("<i2")


def zero_noise(self, x):
    """NoiseBlock.forward with the noise zeroed: x + 0 · linear(x) (what noise_scale = 0 does)."""
    return x + 0 * self.linear(x)


def generate(name, config, out_dir, seed, blocks):
    torch.manual_seed(seed)
    model = SNAC(**config).eval()
    perturb(model, torch.Generator().manual_seed(seed + 1))
    os.makedirs(out_dir, exist_ok=True)
    state = model.state_dict()
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config, f)
    if name == "32khz":
        # Only the 32 kHz network is also kept as upstream's own file (a few hundred KB): the test of
        # the PyTorch reader reads it; every other test reads the safetensors copies.
        torch.save(state, os.path.join(out_dir, "pytorch_model.bin"))
    copy = {newer_key(k): v for k, v in state.items()} if name == "32khz" else state
    write_safetensors(os.path.join(out_dir, "model.safetensors"), copy)

    lcm = math.lcm(config["vq_strides"][0], config["attn_window_size"] or 1)
    multiple = int(model.hop_length) * lcm
    pcm = test_signal(blocks * multiple, config["sampling_rate"])
    pcm.tofile(os.path.join(out_dir, "input.i16"))
    audio = torch.from_numpy(pcm.astype(np.float32) / 32768).reshape(1, 1, -1)
    layers.NoiseBlock.forward = zero_noise
    with torch.inference_mode():
        codes = model.encode(audio)
        decoded = model.decode(codes)
    decoded.numpy().astype("<f4").tofile(os.path.join(out_dir, "decoded.f32"))
    golden = {
        "upstream": "snac 1.2.0",
        "hop": int(model.hop_length),
        "encodeMultiple": multiple,
        "inputSamples": int(pcm.size),
        "codes": [c[0].tolist() for c in codes],
        "decodedShape": list(decoded.shape),
        "decodedMaxAbs": float(decoded.abs().max()),
    }
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, codes per level {[c.shape[-1] for c in codes]}, decoded {list(decoded.shape)}")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "packages/pretrained/test/__fixtures__/snac"
    generate("32khz", CONFIGS["32khz"], os.path.join(out, "32khz"), seed=1234, blocks=2)
    generate("24khz", CONFIGS["24khz"], os.path.join(out, "24khz"), seed=4321, blocks=4)


if __name__ == "__main__":
    main()
