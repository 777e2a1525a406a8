# Upstream PyTorch side of packages/pretrained/bench/snac.bench.ts: SNAC (snac 1.2.0) at the config
# given as JSON in argv[1], random weights, on CPU with argv[2] threads; times encode of argv[3]
# samples and decode of the resulting codes (cut as autosing/codecs.py cuts them) and prints one
# JSON line {"encode": [s, ...], "decode": [s, ...], "decodedSamples": n}.
# Needs PYTHONPATH with the snac 1.2.0 and einops sources. Stand-ins for torch 1.13 as in
# scripts/golden/snac.py: the hook form of weight_norm and a plain scaled_dot_product_attention.
import json
import math
import sys
import time

import torch
import torch.nn.functional as F
import torch.nn.utils.parametrizations as parametrizations

if not hasattr(parametrizations, "weight_norm"):
    parametrizations.weight_norm = lambda module, name="weight", dim=0: torch.nn.utils.weight_norm(module, name=name, dim=dim)
if not hasattr(F, "scaled_dot_product_attention"):
    F.scaled_dot_product_attention = lambda q, k, v: torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), dim=-1) @ v

from snac import SNAC  # noqa: E402

config = json.loads(sys.argv[1])
torch.set_num_threads(int(sys.argv[2]))
samples = int(sys.argv[3])
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 2
torch.manual_seed(0)
model = SNAC(**config).eval()
audio = 0.1 * torch.randn(1, 1, samples)
encode_times, decode_times = [], []
with torch.inference_mode():
    for _ in range(repeats + 1):
        start = time.perf_counter()
        codes = model.encode(audio)
        encode_times.append(time.perf_counter() - start)
    cut = []
    for i, c in enumerate(codes):
        k = 12 * 2**i
        cut.append(c[:, : (c.shape[-1] // k) * k])
    for _ in range(repeats + 1):
        start = time.perf_counter()
        out = model.decode(cut)
        decode_times.append(time.perf_counter() - start)
print(json.dumps({"encode": encode_times[1:], "decode": decode_times[1:], "decodedSamples": out.shape[-1]}))
