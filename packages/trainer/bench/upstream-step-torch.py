"""The PyTorch-CPU anchor of the trainer benches: upstream's own training step, timed.

What: builds upstream AutoSing's t2s (autosing/t2s.py TM2STransformer) or sm2a (autosing/sm2a.py
SM2ATransformer) from the upstream source with the config our bench trains (same sizes, same data
dimensions), gives it frozen semantic embeddings as upstream make_model does (lr_scale 0), builds
AdamW with upstream train.py configure_optimizers' parameter groups (betas 0.9/0.95), and times
Lightning's step: forward (train mode, fp32) → loss.backward() → clip_grad_norm_ (Lightning's
gradient_clip_val = the tunables' clip_gradient_norm) → optimizer.step() → zero_grad, on the SAME
rows our bench collates (written by bench/torch-anchor.ts). The lr schedule is left out (a
per-step scalar update).

How: /usr/bin/python3 packages/trainer/bench/upstream-step-torch.py <request.json>
  request: {"model": "t2s"|"sm2a", "config": {...upstream config dict...}, "threads": N,
            "steps": N, "batches": [{<field>: {"shape": [...], "data": [...]}}]}
  t2s fields (upstream T2SDataset.entries order): in_ttoks, out_ttoks, languages, cpss, in_stoks,
  mtoks, out_stoks; sm2a (SM2ADataset.entries): stoks, atoks, mtoks, spk_embs, atoks_positions.
Prints one JSON line: {"samples_per_second", "forward_ms", "backward_ms", "update_ms", "threads",
"torch", "batch"} (medians over the timed steps; one warm-up step first, batches cycled).
Stand-ins: those of packages/pretrained/scripts/golden/upstream-checkpoints.py (torch 1.13 lacks
F.scaled_dot_product_attention: a plain softmax(QKᵀ/√d + mask)V; unused imports stubbed).
"""
import importlib.util
import json
import os
import statistics
import sys
import time
import types

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
STAND_INS = os.path.join(HERE, "..", "..", "pretrained", "scripts", "golden", "upstream-checkpoints.py")


def load_upstream():
    """Imports the golden script for its stand-ins; it imports autosing.t2s / autosing.sm2a itself."""
    spec = importlib.util.spec_from_file_location("upstream_checkpoints", STAND_INS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.t2s, module.sm2a


def frozen_vq(codes, width):
    """The one attribute path load_frozen_semantic_embeddings reads: vqmodel.rq.layers[0]._codebook.embed[0]."""
    codebook = types.SimpleNamespace(embed=torch.randn(1, codes, width) * 0.2)
    return types.SimpleNamespace(rq=types.SimpleNamespace(layers=[types.SimpleNamespace(_codebook=codebook)]))


def optimizer_groups(model, lr, weight_decay):
    """Port of autosing/train.py TrainingTask.configure_optimizers: groups by (no_weight_decay, lr_scale)."""
    customized, groups, by_key = set(), [], {}
    for _, module in model.named_modules():
        if hasattr(module, "no_weight_decay") or hasattr(module, "lr_scale"):
            customized |= set(module.parameters())
            key = (0 if hasattr(module, "no_weight_decay") else weight_decay, lr * getattr(module, "lr_scale", 1))
            if key not in by_key:
                by_key[key] = {"params": [], "weight_decay": key[0], "lr": key[1]}
                groups.append(by_key[key])
            by_key[key]["params"] += module.parameters()
    other = [p for p in model.parameters() if p not in customized]
    return groups + [{"params": other, "weight_decay": weight_decay}]


def tensor(field, dtype):
    return torch.tensor(field["data"], dtype=dtype).reshape(field["shape"])


def batch_args(kind, batch):
    if kind == "t2s":
        names = ["in_ttoks", "out_ttoks", "languages", "cpss", "in_stoks", "mtoks", "out_stoks"]
        return [tensor(batch[n], torch.float32 if n == "cpss" else torch.long) for n in names]
    names = ["stoks", "atoks", "mtoks", "spk_embs", "atoks_positions"]
    return [tensor(batch[n], torch.float32 if n == "spk_embs" else torch.long) for n in names]


def build(kind, config):
    t2s, sm2a = load_upstream()
    torch.manual_seed(0)
    if kind == "t2s":
        model = t2s.TM2STransformer(**config)
        model.load_frozen_semantic_embeddings(frozen_vq(config["stoks_codes"], config["stoks_width"]))
        tunables = model.tunables
    else:
        model = sm2a.SM2ATransformer(**config)
        model.load_frozen_semantic_embeddings(frozen_vq(config["stoks_codes"], config["stoks_width"]))
        tunables = model.tunables
    return model.train(), tunables


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    torch.set_num_threads(int(request["threads"]))
    kind = request["model"]
    model, tunables = build(kind, request["config"])
    optimizer = torch.optim.AdamW(optimizer_groups(model, tunables.lr0, tunables.weight_decay), lr=tunables.lr0, betas=(0.9, 0.95))
    batches = [batch_args(kind, b) for b in request["batches"]]
    size = batches[0][0].shape[0]
    forward, backward, update = [], [], []
    for step in range(int(request["steps"]) + 1):
        args = batches[step % len(batches)]
        t0 = time.perf_counter()
        _, loss = model(*args)
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        torch.nn.utils.clip_grad_norm_(model.parameters(), tunables.clip_gradient_norm)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        t3 = time.perf_counter()
        if not torch.isfinite(loss):
            sys.exit(f"upstream {kind} step {step}: loss is {float(loss)}")
        if step == 0:
            continue  # warm-up: allocator and OpenBLAS buffers
        forward.append(t1 - t0)
        backward.append(t2 - t1)
        update.append(t3 - t2)
    step_seconds = statistics.median([a + b + c for a, b, c in zip(forward, backward, update)])
    print(json.dumps({
        "samples_per_second": size / step_seconds,
        "forward_ms": 1000 * statistics.median(forward),
        "backward_ms": 1000 * statistics.median(backward),
        "update_ms": 1000 * statistics.median(update),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "batch": size,
        "loss": float(loss),
    }))


if __name__ == "__main__":
    main()
