# Golden vectors for compute_silence / compute_va / interesting_chunks, written from upstream's
# semantics (torch ops replaced by their numpy equivalents).
import json
import pathlib

import numpy as np

# Run: python3 activity-golden.py (numpy only); rewrites activity-golden.json next to this file.

def interesting_chunks(chunk_length, mask, occupancy=None):
    num_seconds = mask.shape[-1]
    def score_function(ratio):
        return 0 if ratio < occupancy else 1
    T = [0 for _ in range(num_seconds + 1)]
    for i in range(chunk_length, num_seconds + 1):
        chunk_score = score_function(mask[i - chunk_length:i].sum() / chunk_length)
        T[i] = max(T[i - chunk_length] + chunk_score, T[i - 1])
    i = num_seconds
    offsets = []
    while i > chunk_length:
        if T[i] == T[i - 1]:
            i -= 1
        else:
            i -= chunk_length
            offsets.append(i)
    return offsets

def compute_silence(emission, min_repeat=100, mult_threshold=200):
    e = emission - emission.max(-1, keepdims=True)
    p = np.exp(e); p = p / p.sum(-1, keepdims=True)
    idx = np.argsort(p, -1, kind="stable")
    srt = np.take_along_axis(p, idx, -1)
    mask = (srt[:, -1] > mult_threshold * srt[:, -2]) & (idx[:, -1] == 0)
    out = np.zeros_like(mask)
    i = 0
    while i < len(mask):
        j = i
        while j < len(mask) and mask[j] == mask[i]: j += 1
        if mask[i] and (j - i) > min_repeat: out[i:j] = True
        i = j
    return out

rng = np.random.default_rng(20241125)
cases = []
for n, cl, occ in [(100, 31, 0.8), (75, 31, 0.8), (62, 31, 0.5), (40, 10, 0.7), (31, 31, 0.0), (200, 15, 0.9)]:
    mask = rng.random(n) < 0.93
    # some long silent stretches
    for _ in range(3):
        s = int(rng.integers(0, n)); mask[s:s + int(rng.integers(3, 12))] = False
    cases.append({"chunkLength": cl, "minOccupancy": occ, "active": mask.tolist(), "offsets": interesting_chunks(cl, mask, occ)})

frames, classes, rate = 730, 6, 100
logits = rng.normal(size=(frames, classes)) * 2
for s, e in [(20, 140), (300, 390), (400, 520), (600, 730)]:
    logits[s:e, 0] += 20
logits[450, 0] -= 30  # breaks one silent run in two
emission = (logits - np.log(np.exp(logits).sum(-1, keepdims=True))).astype(np.float32).astype(np.float64)
silence = compute_silence(emission, min_repeat=100, mult_threshold=200)
m = silence[: len(silence) // rate * rate]
va = (~m.reshape(-1, rate).any(-1)).tolist()
json.dump({"chunks": cases, "silence": {"frames": frames, "classes": classes, "frameRate": rate,
           "emission": emission.astype(np.float32).ravel().tolist(), "silent": silence.tolist(), "active": va}},
          open(pathlib.Path(__file__).with_name("activity-golden.json"), "w"))
print([c["offsets"] for c in cases], va, int(silence.sum()))
