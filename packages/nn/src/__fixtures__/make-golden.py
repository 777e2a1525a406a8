# Golden vectors for @autosing/nn, computed with numpy by transcribing whisperspeech/modules.py
# (sinusoids, Rotary, rope_rotate, MultiHeadAttention with F.scaled_dot_product_attention,
# LayerNorm, GELU). Regenerate: python3 make-golden.py > golden.json
import json, math
import numpy as np

def sinusoids(length, channels, max_timescale=10000):
    inc = np.log(max_timescale) / (channels // 2 - 1)
    inv = np.exp(-inc * np.arange(channels // 2)).astype(np.float32)
    t = np.arange(length)[:, None] * inv[None, :]
    return np.concatenate([np.sin(t), np.cos(t)], axis=1).astype(np.float32)

def rotary(dim, seq, base=10000):
    inv_freq = (1.0 / (base ** (np.arange(0, dim, 2).astype(np.float32) / dim))).astype(np.float32)
    t = np.arange(seq).astype(np.float32)
    freqs = np.einsum("i,j->ij", t, inv_freq)
    emb = np.concatenate([freqs, freqs], -1)
    return inv_freq, np.cos(emb)[None, :, None, :], np.sin(emb)[None, :, None, :]

def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], -1)

def linear(x, w, b=None):
    y = x @ w.T
    return y if b is None else y + b

def mha(qx, qpos, kvx, kvpos, p, n_head, qk_scale, causal, key_subsampling=1):
    s = math.sqrt(qk_scale)
    d = qx.shape[-1] // n_head
    _, cos, sin = rotary(d, 64)
    def split(x, pos, rope, sub=1):
        x = x.reshape(*x.shape[:2], n_head, -1)
        if rope:
            pp = pos * sub
            x = x * cos[:, pp] + rotate_half(x) * sin[:, pp]
        return x.transpose(0, 2, 1, 3)
    q = split(linear(qx, p["qw"], p["qb"]) * s, qpos, True)
    k = split(linear(kvx, p["kw"]) * s, kvpos, True, key_subsampling)
    v = split(linear(kvx, p["vw"], p["vb"]), kvpos, False)
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(d)
    if causal:
        scores = scores + np.triu(np.full(scores.shape[-2:], -np.inf), 1)
    scores = scores - scores.max(-1, keepdims=True)
    a = np.exp(scores); a = a / a.sum(-1, keepdims=True)
    wv = (a @ v).transpose(0, 2, 1, 3).reshape(qx.shape[0], qx.shape[1], -1)
    return linear(wv, p["ow"], p["ob"])

rng = np.random.default_rng(0)
W = 4
p = {k: rng.normal(size=s).astype(np.float32) for k, s in
     dict(qw=(W, W), qb=(W,), kw=(W, W), vw=(W, W), vb=(W,), ow=(W, W), ob=(W,)).items()}
x = rng.normal(size=(1, 3, W)).astype(np.float32)
mem = rng.normal(size=(1, 5, W)).astype(np.float32)
pos = np.arange(3); mpos = np.arange(5)
ln_x = rng.normal(size=(2, 5)).astype(np.float32)
ln_w = rng.normal(size=(5,)).astype(np.float32); ln_b = rng.normal(size=(5,)).astype(np.float32)
mu = ln_x.mean(-1, keepdims=True); var = ln_x.var(-1, keepdims=True)
ln = (ln_x - mu) / np.sqrt(var + 1e-5) * ln_w + ln_b
g_x = np.array([-3, -1, -0.5, 0, 0.5, 1, 3], dtype=np.float64)
gelu = 0.5 * g_x * (1 + np.vectorize(math.erf)(g_x / math.sqrt(2)))
inv_freq, _, _ = rotary(8, 4)
out = dict(
    sinusoids_3x6=sinusoids(3, 6).ravel().tolist(),
    inv_freq_8=inv_freq.tolist(),
    attention=dict(weights={k: v.ravel().tolist() for k, v in p.items()}, x=x.ravel().tolist(), memory=mem.ravel().tolist(),
                   n_head=2, qk_scale=0.7,
                   self_causal=mha(x, pos, x, pos, p, 2, 0.7, True).ravel().tolist(),
                   cross_sub3=mha(x, pos, mem, mpos, p, 2, 0.7, False, key_subsampling=3).ravel().tolist()),
    layer_norm=dict(x=ln_x.ravel().tolist(), w=ln_w.tolist(), b=ln_b.tolist(), y=ln.ravel().tolist()),
    gelu=dict(x=g_x.tolist(), y=gelu.tolist()),
)
print(json.dumps(out))
