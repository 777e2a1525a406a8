# Golden vectors for @autosing/artist-embedder, computed with numpy (float64) by transcribing
# autosing/artist_embeddings.py: Embedder.forward and the WhisperSpeech modules it uses
# (DelSumEmbedding/FlexEmbeddings, ResidualAttentionBlock with rope and causal
# F.scaled_dot_product_attention, DelSumHead/FlexEmbeddings.unembed, F.cross_entropy with
# label_smoothing and ignore_index) plus autosing/codecs.py: unflatten_snac.
# Weights are random (not μP init) so every path carries signal.
# Regenerate: python3 make-golden.py > golden.json
import json, math
import numpy as np

rng = np.random.default_rng(7)
depth, n_head, head_width, ffn_mult, quantizers, codes, num_classes, emb_width = 2, 2, 4, 2, 4, 8, 3, 6
ctx_n = 16
width = n_head * head_width
base_width = 3 * head_width
query_mult, output_mult, label_smoothing, class_loss_ratio = 0.3, 5.6, 0.1, 0.3
qk_scale = query_mult * 8 / math.sqrt(head_width)

weights = {}
def param(name, shape, scale=0.5):
    weights[name] = rng.normal(size=shape).astype(np.float32) * np.float32(scale)
    return weights[name].astype(np.float64)

W = {}
for i in range(depth):
    p = f"encoder.{i}"
    for n in ["query", "value", "out"]:
        W[f"{p}.attn.{n}.weight"] = param(f"{p}.attn.{n}.weight", (width, width))
        W[f"{p}.attn.{n}.bias"] = param(f"{p}.attn.{n}.bias", (width,))
    W[f"{p}.attn.key.weight"] = param(f"{p}.attn.key.weight", (width, width))
    inv_freq = (1.0 / (10000 ** (np.arange(0, head_width, 2).astype(np.float32) / head_width))).astype(np.float32)
    weights[f"{p}.attn.rotary.inv_freq"] = inv_freq
    for ln in ["attn_ln", "mlp_ln"]:
        W[f"{p}.{ln}.weight"] = 1 + param(f"{p}.{ln}.weight", (width,), 0.2)
        weights[f"{p}.{ln}.weight"] = W[f"{p}.{ln}.weight"].astype(np.float32)
        W[f"{p}.{ln}.bias"] = param(f"{p}.{ln}.bias", (width,), 0.2)
    W[f"{p}.mlp.0.weight"] = param(f"{p}.mlp.0.weight", (width * ffn_mult, width))
    W[f"{p}.mlp.0.bias"] = param(f"{p}.mlp.0.bias", (width * ffn_mult,))
    W[f"{p}.mlp.2.weight"] = param(f"{p}.mlp.2.weight", (width, width * ffn_mult))
    W[f"{p}.mlp.2.bias"] = param(f"{p}.mlp.2.bias", (width,))
for q in range(quantizers):
    W[f"embds.embeddings.{q}.main.weight"] = param(f"embds.embeddings.{q}.main.weight", (codes, width), 1.0)
W["special"] = param("embds.embeddings.0.special.weight", (2, width), 1.0)
for name, shape in [("emb_proj", (emb_width, width)), ("class_head", (num_classes, emb_width)), ("ar_head.splitter.0", (width * quantizers, width))]:
    W[f"{name}.weight"] = param(f"{name}.weight", shape)
    W[f"{name}.bias"] = param(f"{name}.bias", shape[:1])

def linear(x, p, bias=True):
    y = x @ W[f"{p}.weight"].T
    return y + W[f"{p}.bias"] if bias else y

def layer_norm(x, p):
    mu = x.mean(-1, keepdims=True); var = x.var(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-5) * W[f"{p}.weight"] + W[f"{p}.bias"]

def gelu(x):
    return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))

def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], -1)

inv_freq = (1.0 / (10000 ** (np.arange(0, head_width, 2).astype(np.float32) / head_width))).astype(np.float64)
freqs = np.arange(4500)[:, None] * inv_freq[None, :]
emb = np.concatenate([freqs, freqs], -1)
cos, sin = np.cos(emb)[None, :, None, :], np.sin(emb)[None, :, None, :]

def attention(x, p, positions):
    b, t, _ = x.shape
    s = math.sqrt(qk_scale)
    def split(y, rope):
        y = y.reshape(b, t, n_head, head_width)
        if rope: y = y * cos[:, positions] + rotate_half(y) * sin[:, positions]
        return y.transpose(0, 2, 1, 3)
    q = split(linear(x, f"{p}.query") * s, True)
    k = split(linear(x, f"{p}.key", bias=False) * s, True)
    v = split(linear(x, f"{p}.value"), False)
    scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head_width)
    scores = scores + np.triu(np.full((t, t), -np.inf), 1)
    scores = scores - scores.max(-1, keepdims=True)
    a = np.exp(scores); a = a / a.sum(-1, keepdims=True)
    return linear((a @ v).transpose(0, 2, 1, 3).reshape(b, t, width), f"{p}.out")

def unflatten_snac(flat):
    result = np.zeros((flat.shape[0], 4, flat.shape[-1] * 8), dtype=np.int64)
    count = 0
    for i in range(4):
        k = 2 ** i
        for j in range(k):
            p = (8 // k) * j
            result[:, i, p::8] = flat[:, count]
            count += 1
    return result

def cross_entropy(logits, targets, smoothing=0.0, ignore_index=None):
    logp = logits - logits.max(-1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(-1, keepdims=True))
    nll = -logp[np.arange(len(targets)), targets]
    smooth = -logp.mean(-1)
    loss = (1 - smoothing) * nll + smoothing * smooth
    if ignore_index is None: return loss.mean()
    valid = targets != ignore_index
    return loss[valid].sum() / valid.sum()

batch = 2
flat = rng.integers(0, codes, size=(batch, 15, ctx_n // 8))
flat[0, 0, 0] = codes + 1  # a special code, as a pad/mask id would be
labels = np.array([2, 0])
atoks = unflatten_snac(flat)
positions = np.arange(ctx_n)
x = np.zeros((batch, ctx_n, width))
for q in range(quantizers):
    ids = atoks[:, q]
    main = W[f"embds.embeddings.{q}.main.weight"][np.where(ids >= codes, 0, ids)]
    special = W["special"][np.where(ids >= codes, ids - codes, 0)]
    x += np.where((ids >= codes)[..., None], special, main)
for i in range(depth):
    p = f"encoder.{i}"
    x = x + attention(layer_norm(x, f"{p}.attn_ln"), f"{p}.attn", positions)
    x = x + linear(gelu(linear(layer_norm(x, f"{p}.mlp_ln"), f"{p}.mlp.0")), f"{p}.mlp.2")
embedding = linear(x[:, -1], "emb_proj")
class_logits = linear(embedding, "class_head")
split = gelu(linear(x, "ar_head.splitter.0")).reshape(batch, ctx_n, quantizers, width)
logits = np.stack([np.concatenate([split[:, :, q] @ W[f"embds.embeddings.{q}.main.weight"].T, split[:, :, q] @ W["special"].T], -1) for q in range(quantizers)], 1)
logits = logits * (output_mult / (width / base_width))
ar_loss = sum(cross_entropy(logits[:, q, :-1].reshape(-1, logits.shape[-1]), atoks[:, q, 1:].reshape(-1), ignore_index=0) for q in range(quantizers)) / quantizers

def r(a): return [float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]
print(json.dumps({
    "config": dict(depth=depth, ctx_n=ctx_n, codes=codes, n_head=n_head, head_width=head_width, ffn_mult=ffn_mult,
                   quantizers=quantizers, num_classes=num_classes, emb_width=emb_width, finetune=False),
    "weights": {k: {"shape": list(v.shape), "data": r(v)} for k, v in weights.items()},
    "flattened": [int(v) for v in flat.reshape(-1)],
    "labels": [int(v) for v in labels],
    "embedding": r(embedding),
    "class_logits": r(class_logits),
    "class_loss_train": float(class_loss_ratio * cross_entropy(class_logits, labels, label_smoothing)),
    "class_loss_eval": float(class_loss_ratio * cross_entropy(class_logits, labels)),
    "ar_logits_q1_t3": r(logits[1, 1, 3]),
    "ar_loss": float(ar_loss),
}))
