"""Golden fixtures for the t2s, sm2a and artist-emb importers of @autosing/pretrained.

What: builds the upstream networks from the upstream source itself — autosing/t2s.py
TM2STransformer (over WhisperSpeech t2s_up_wds_mlang_enclm.py TSARTransformer), autosing/sm2a.py
SM2ATransformer (over WhisperSpeech s2a_delar_mup_wds_mlang.py) and autosing/artist_embeddings.py
Embedder — at a tiny width with seeded random weights (every parameter drawn from a normal
distribution, buffers as upstream computes them), saves each with upstream's own `save_model`
(a `.model`: torch.save(dict(config, tunables, state_dict))), and records the upstream forward's
logits / embeddings for a fixed small input in eval mode. It also writes one Lightning `.ckpt` of
the t2s model. Lightning is not installable here, so that file is the dict Lightning 2.x writes,
built by hand: `state_dict` with `model.` keys (upstream train.py's TrainingTask holds the network
as `self.model`), `pytorch-lightning_version`, `epoch`, `global_step`, `loops`, `callbacks` (with
a pathlib object, pickled by reference), AdamW `optimizer_states` and a LinearLR `lr_schedulers`.

How: /usr/bin/python3 packages/pretrained/scripts/golden/upstream-checkpoints.py   (repository root)
Upstream: autosing (streichgeorg) at /work/upstream/autosing, the WhisperSpeech fork at
/work/upstream/WhisperSpeech, einops 0.8.0; PyTorch 1.13 (Debian python3-torch).
Stand-ins: torch 1.13 lacks F.scaled_dot_product_attention, so a plain softmax(QKᵀ/√d + mask)V with
the same signature is installed; modules the code under test imports but never uses here are
stubbed (pandas, torchaudio, fastprogress, huggingface_hub), and fastcore.basics.store_attr is a
faithful stand-in (it records the named constructor arguments in `__stored_args__`, which is what
save_model writes as `config`).
Output: packages/pretrained/test/__fixtures__/upstream-checkpoints/ (about 450 KB).
"""
import copy
import dataclasses
import json
import math
import os
import pathlib
import sys
import types

import torch
import torch.nn.functional as F

UPSTREAM = "/work/upstream"
sys.path[:0] = [f"{UPSTREAM}/autosing", f"{UPSTREAM}/WhisperSpeech", f"{UPSTREAM}/einops-0.8.0"]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "__fixtures__", "upstream-checkpoints")


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


def store_attr(names):
    """fastcore.basics.store_attr for the call form upstream uses: store_attr("a,b,c")."""
    frame = sys._getframe(1)
    self = frame.f_locals["self"]
    if not hasattr(self, "__stored_args__"):
        object.__setattr__(self, "__stored_args__", {})
    for name in [n.strip() for n in names.split(",")]:
        value = frame.f_locals[name]
        setattr(self, name, value)
        self.__stored_args__[name] = value


def scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False):
    """Stand-in for torch 2.x F.scaled_dot_product_attention (absent from torch 1.13), dropout 0."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if is_causal:
        causal = torch.ones(q.shape[-2], k.shape[-2], dtype=torch.bool).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
    if attn_mask is not None:
        scores = scores.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else scores + attn_mask
    return scores.softmax(-1) @ v


F.scaled_dot_product_attention = scaled_dot_product_attention
stub("pandas")
stub("torchaudio")
stub("torchaudio.functional")
stub("fastprogress", progress_bar=lambda x, **_: x, master_bar=lambda x, **_: x)
stub("huggingface_hub", hf_hub_download=None)
stub("fastcore")
stub("fastcore.basics", store_attr=store_attr)

from autosing import artist_embeddings, sm2a, t2s  # noqa: E402  (after the stand-ins)


def randomize(model, seed):
    """Seeded normal weights for every parameter (LayerNorm gains around 1); buffers untouched."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            noise = torch.randn(parameter.shape, generator=generator)
            if "ln" in name.split(".")[-2] if "." in name else False:
                parameter.copy_(1 + 0.2 * noise if name.endswith("weight") else 0.2 * noise)
            else:
                parameter.copy_(0.3 * noise)
    return model.eval()


def floats(tensor):
    return [float(v) for v in tensor.detach().reshape(-1).tolist()]


def ints(tensor):
    return [int(v) for v in tensor.reshape(-1).tolist()]


def make_t2s():
    config = dict(depth=2, n_head=2, head_width=8, ffn_mult=2, ttoks_len=12, ttoks_codes=256, stoks_len=10,
                  stoks_codes=17, stoks_width=8, mtoks_len=6, quantizers=3, codes=11)
    model = randomize(t2s.TM2STransformer(**config), 11)
    generator = torch.Generator().manual_seed(12)
    batch = 2
    ttoks = torch.randint(0, 256, (batch, 12), generator=generator)
    languages = torch.tensor([0, 5])
    cps = torch.tensor([12.5, 17.25])
    mtoks = torch.randint(0, 13, (batch, 3, 6), generator=generator)
    stoks = torch.randint(0, 18, (batch, 10), generator=generator)
    with torch.no_grad():
        logits, _ = model(ttoks, ttoks, languages, cps, stoks, mtoks, loss=None)
    model.save_model(os.path.join(OUT, "t2s.model"))
    return model, {"inputs": {"ttoks": ints(ttoks), "languages": ints(languages), "cps": floats(cps), "mtoks": ints(mtoks), "stoks": ints(stoks)},
                   "shape": list(logits.shape), "logits": floats(logits)}


def make_sm2a():
    config = dict(depth=2, ctx_n=12, stoks_len=7, stoks_codes=9, stoks_width=8, spk_width=6, n_head=2, head_width=8,
                  ffn_mult=2, quantizers=3, codes=5, mtoks_len=6, pattern="bricks_unrolled", speaker_map={"singer": 0})
    model = randomize(sm2a.SM2ATransformer(**config), 21)
    generator = torch.Generator().manual_seed(22)
    batch = 2
    stoks = torch.randint(0, 9, (batch, 7), generator=generator)
    speakers = torch.randn(batch, 6, generator=generator)
    mtoks = torch.randint(0, 7, (batch, 3, 6), generator=generator)
    atoks = torch.randint(0, 7, (batch, 3, 12), generator=generator)
    with torch.no_grad():
        logits = model(stoks, atoks, mtoks, speakers, noloss=True)
    model.save_model(os.path.join(OUT, "sm2a.model"))
    return {"inputs": {"stoks": ints(stoks), "speakers": floats(speakers), "mtoks": ints(mtoks), "atoks": ints(atoks)},
            "shape": list(logits.shape), "logits": floats(logits)}


def make_artist_embedder():
    config = dict(num_classes=3, ctx_n=16, depth=2, n_head=2, head_width=4, ffn_mult=2, emb_width=6, quantizers=4, codes=8)
    model = randomize(artist_embeddings.Embedder(**config), 31)
    generator = torch.Generator().manual_seed(32)
    flattened = torch.randint(0, 8, (2, 15, 2), generator=generator)
    with torch.no_grad():
        embedding = model(flattened, noloss=True)
        class_logits = model.classify(embedding)
    model.save_model(os.path.join(OUT, "artist_emb.model"))
    return {"inputs": {"flattened": ints(flattened)}, "shape": list(embedding.shape), "embedding": floats(embedding),
            "class_logits": floats(class_logits)}


def write_lightning_ckpt(model):
    """The dict Lightning writes for upstream train.py's TrainingTask (built by hand: no Lightning here)."""
    task_state = {f"model.{k}": v for k, v in model.state_dict().items()}
    # Optimizer moments for a few parameters only: enough to be realistic, small enough to commit.
    # A copy steps, so the saved weights stay those the golden logits came from.
    parameters = [p for p in copy.deepcopy(model).parameters()][:6]
    optimizer = torch.optim.AdamW(parameters, lr=1e-3, betas=(0.9, 0.95))
    for parameter in parameters:
        parameter.grad = torch.zeros_like(parameter)
    optimizer.step()
    scheduler = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.1, total_iters=10)
    checkpoint = {
        "epoch": 3,
        "global_step": 1200,
        "pytorch-lightning_version": "2.1.3",
        "state_dict": task_state,
        "loops": {"fit_loop": {"state_dict": {}, "epoch_progress": {"total": {"ready": 4, "completed": 3}}}},
        "callbacks": {"ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min'}": {
            "best_model_score": torch.tensor(2.5), "best_model_path": "/ckpts/epoch=3.ckpt", "dirpath": pathlib.PurePosixPath("/ckpts")}},
        "optimizer_states": [optimizer.state_dict()],
        "lr_schedulers": [scheduler.state_dict()],
    }
    torch.save(checkpoint, os.path.join(OUT, "t2s-lightning.ckpt"))


# What the hostile fixture would create if a real unpickler ran it; the tests assert it never appears.
PWNED = "/tmp/autosing-pretrained-pwned"


class SystemCall:
    """Pickles as a call to os.system (what a hostile checkpoint holds); never called here."""

    def __reduce__(self):
        return (os.system, (f"touch {PWNED}",))


class TensorFromSystem:
    """Pickles as _rebuild_tensor_v2(os.system(...), ...): an unknown global on the path to a tensor."""

    def __reduce__(self):
        from collections import OrderedDict
        return (torch._utils._rebuild_tensor_v2, (SystemCall(), 0, (1,), (1,), False, OrderedDict()))


def make_bad_artist_models():
    """Small artist-embedder .model files, each wrong in one way, saved as upstream save_model does."""
    config = dict(num_classes=2, ctx_n=8, depth=1, n_head=2, head_width=4, ffn_mult=1, emb_width=4, quantizers=4, codes=4)
    model = randomize(artist_embeddings.Embedder(**config), 41)

    def save(name, edit_state=None, edit_config=None):
        state = dict(model.state_dict())
        stored = dict(model.__stored_args__)
        if edit_state: edit_state(state)
        if edit_config: edit_config(stored)
        spec = dict(config=stored, tunables=dataclasses.asdict(model.tunables), state_dict=state)
        torch.save(spec, os.path.join(OUT, name))

    save("bad-missing-key.model", edit_state=lambda s: s.pop("emb_proj.bias"))
    save("bad-extra-key.model", edit_state=lambda s: s.__setitem__("emb_proj.scale", torch.ones(4)))
    save("bad-wrong-shape.model", edit_state=lambda s: s.__setitem__("class_head.weight", torch.zeros(3, 4)))
    save("bad-config-mismatch.model", edit_config=lambda c: c.__setitem__("emb_width", 5))
    save("bad-system-value.model", edit_state=lambda s: s.__setitem__("class_head.bias", SystemCall()))
    save("bad-system-tensor.model", edit_state=lambda s: s.__setitem__("class_head.bias", TensorFromSystem()))


def main():
    os.makedirs(OUT, exist_ok=True)
    t2s_model, t2s_golden = make_t2s()
    golden = {"t2s": t2s_golden, "sm2a": make_sm2a(), "artist_emb": make_artist_embedder()}
    write_lightning_ckpt(t2s_model)
    make_bad_artist_models()
    golden["pwned_marker"] = PWNED
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f)
        f.write("\n")


if __name__ == "__main__":
    main()
