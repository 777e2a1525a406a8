# Golden fixtures for the frame-classifier importer of @autosing/pretrained (test/frame-classifier*.test.ts).
#
# What it does: builds Hugging Face transformers' wav2vec2 (models/wav2vec2/modeling_wav2vec2.py and
# configuration_wav2vec2.py, run as they are) at reduced widths with seeded random weights, saves each
# network as the hub publishes it (`config.json` from the config's own dict + `pytorch_model.bin` from
# `torch.save(model.state_dict())`), and records an input and the upstream frame logits.
#
# Fixtures (test/__fixtures__/frame-classifier/):
#   stable-ctc/   AutoSing's own head (autosing/fc_model.py: Wav2Vec2ForFrameClassification, a
#                 Wav2Vec2ForCTC with `lm_head`, what `streich/singing_va` is), feat_extract_norm
#                 "layer" with conv_bias, do_stable_layer_norm (pre-LN), 42 classes (charsiu's phone
#                 set, so `process align` runs it), positional-conv weight norm in the newer
#                 parametrized key style (`parametrizations.weight.original0/1`), 160 samples a
#                 frame (charsiu's 10 ms frames).
#   group-frame/  transformers' Wav2Vec2ForAudioFrameClassification (`classifier`, num_labels from
#                 id2label), feat_extract_norm "group" without conv bias, post-LN encoder, odd
#                 positional kernel, relu feed-forward, the older key style (`weight_g`/`weight_v`).
#   hostile/      pytorch_model.bin only: a torch.save'd state dict whose `lm_head.bias` is a pickled
#                 os.system call (it would touch /tmp/autosing-fc-pwned if anything ran it).
#   Each: config.json, pytorch_model.bin, input.f32 (16 kHz float32 little-endian, the model input
#   [1, N]), logits.f32 (the upstream logits [1, frames, V], float32 little-endian), golden.json.
#
# Run (from the repository root, Debian's python3-torch 1.13):
#   /usr/bin/python3 packages/pretrained/scripts/golden/frame_classifier.py <wav2vec2 dir> \
#     packages/pretrained/test/__fixtures__/frame-classifier
# where <wav2vec2 dir> holds transformers' models/wav2vec2/{modeling,configuration}_wav2vec2.py
# (these fixtures: transformers 4.57.6, the wheel `pip download transformers==4.57.6 --no-deps` gives;
# the wav2vec2 forward pass is the same as 4.45.2's, which this package's registry did not offer).
# AUTOSING_UPSTREAM (default /work/upstream/autosing) is where autosing/fc_model.py is read from.
#
# Stand-ins: the transformers package internals those two files import (ACT2FN, PreTrainedModel,
# PretrainedConfig, output classes, deepspeed/fsdp probes, docstring decorators) are small modules
# written below into a temporary folder; none of them takes part in the forward pass except ACT2FN
# (gelu = torch's exact erf GELU, relu), PreTrainedModel (an nn.Module that keeps the config and runs
# `_init_weights` at post_init) and PretrainedConfig (stores its arguments, num_labels from id2label,
# eager attention). torch 1.13 lacks `nn.utils.parametrizations.weight_norm`, so upstream falls back
# to `nn.utils.weight_norm` itself (keys weight_g/weight_v, the same w = g · v / ‖v‖ over dims 0, 1 at
# dim=2); the newer key style is produced by renaming those two keys.
import json
import os
import shutil
import sys
import tempfile

import numpy as np
import torch

STUBS = {
    "__init__.py": """
def __getattr__(name):
    if name in ("Wav2Vec2ForCTC", "Wav2Vec2ForAudioFrameClassification", "Wav2Vec2Model"):
        from .models.wav2vec2 import modeling_wav2vec2
        return getattr(modeling_wav2vec2, name)
    if name == "Wav2Vec2Config":
        from .models.wav2vec2.configuration_wav2vec2 import Wav2Vec2Config
        return Wav2Vec2Config
    raise AttributeError(name)
""",
    "activations.py": "import torch.nn as nn\nACT2FN = {'gelu': nn.GELU(), 'relu': nn.ReLU()}\n",
    "integrations/__init__.py": "",
    "integrations/deepspeed.py": "def is_deepspeed_zero3_enabled():\n    return False\n",
    "integrations/fsdp.py": "def is_fsdp_managed_module(module):\n    return False\n",
    "modeling_attn_mask_utils.py": "def _prepare_4d_attention_mask(*a, **k):\n    raise NotImplementedError\n_prepare_4d_attention_mask_for_sdpa = _prepare_4d_attention_mask\n",
    "modeling_flash_attention_utils.py": "FlashAttentionKwargs = dict\n",
    "modeling_layers.py": "import torch.nn as nn\nGradientCheckpointingLayer = nn.Module\n",
    "modeling_outputs.py": """
class _Output(dict):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
    def __getattr__(self, name):
        return self.get(name)
BaseModelOutput = CausalLMOutput = MaskedLMOutput = SequenceClassifierOutput = _Output
TokenClassifierOutput = Wav2Vec2BaseModelOutput = XVectorOutput = _Output
""",
    "modeling_utils.py": """
import torch.nn as nn
ALL_ATTENTION_FUNCTIONS = {}
class PreTrainedModel(nn.Module):
    def __init__(self, config, *args, **kwargs):
        super().__init__()
        self.config = config
    def post_init(self):
        self.apply(self._init_weights)
    init_weights = post_init
""",
    "processing_utils.py": "from typing import Generic, TypeVar\nT = TypeVar('T')\nclass Unpack(Generic[T]):\n    pass\n",
    "configuration_utils.py": """
class PretrainedConfig:
    model_type = ""
    def __init__(self, **kwargs):
        id2label = kwargs.pop("id2label", None)
        self.num_labels = kwargs.pop("num_labels", len(id2label) if id2label else 2)
        self.id2label = id2label or {str(i): f"LABEL_{i}" for i in range(self.num_labels)}
        self.output_attentions = False
        self.output_hidden_states = False
        self.use_return_dict = True
        self._attn_implementation = "eager"
        for key, value in kwargs.items():
            setattr(self, key, value)
    def to_dict(self):
        out = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        out["model_type"] = self.model_type
        return out
""",
    "utils/__init__.py": """
import logging as _logging
class _Logging:
    get_logger = staticmethod(_logging.getLogger)
logging = _Logging()
class ModelOutput(dict):
    pass
def auto_docstring(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f
def cached_file(*a, **k):
    raise NotImplementedError
def check_torch_load_is_safe():
    pass
def is_peft_available():
    return False
def is_torch_flex_attn_available():
    return False
""",
}


def install_stubs(wav2vec2_dir):
    root = tempfile.mkdtemp(prefix="hf-stub-")
    package = os.path.join(root, "transformers")
    for path, text in STUBS.items():
        full = os.path.join(package, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    target = os.path.join(package, "models", "wav2vec2")
    os.makedirs(target)
    open(os.path.join(package, "models", "__init__.py"), "w").close()
    open(os.path.join(target, "__init__.py"), "w").close()
    for name in ("modeling_wav2vec2.py", "configuration_wav2vec2.py"):
        shutil.copy(os.path.join(wav2vec2_dir, name), target)
    try:
        import safetensors.torch  # noqa: F401
    except ImportError:
        os.makedirs(os.path.join(root, "safetensors"))
        open(os.path.join(root, "safetensors", "__init__.py"), "w").close()
        with open(os.path.join(root, "safetensors", "torch.py"), "w") as f:
            f.write("def load_file(*a, **k):\n    raise NotImplementedError\n")
    sys.path.insert(0, root)
    sys.path.insert(0, os.path.join(os.environ.get("AUTOSING_UPSTREAM", "/work/upstream/autosing")))
    return root


REDUCED = dict(
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=64,
    conv_dim=[16, 16, 24],
    conv_kernel=[10, 3, 3],
    conv_stride=[5, 2, 2],
    num_conv_pos_embedding_groups=4,
    mask_time_prob=0.05,
)

PHONES = ["[SIL]", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH", "K",
          "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH", "[UNK]", "[PAD]"]

CONFIGS = {
    # 160 samples a frame: charsiu's 100 frames/s, so `process align` over a 9 s song stays small.
    "stable-ctc": dict(REDUCED, conv_kernel=[10, 4, 8], conv_stride=[5, 4, 8], feat_extract_norm="layer", conv_bias=True, do_stable_layer_norm=True, num_conv_pos_embeddings=16,
                       vocab_size=len(PHONES), hidden_act="gelu", architectures=["Wav2Vec2ForFrameClassification"]),
    "group-frame": dict(REDUCED, feat_extract_norm="group", conv_bias=False, do_stable_layer_norm=False, num_conv_pos_embeddings=15,
                        hidden_act="relu", layer_norm_eps=1e-6, id2label={str(i): f"speaker{i}" for i in range(5)},
                        architectures=["Wav2Vec2ForAudioFrameClassification"]),
}


def perturb(model, generator):
    """Random values where upstream's init leaves trivial ones (unit norms, zero biases, g = ‖v‖)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("weight_g"):
                p.mul_(0.6 + 0.8 * torch.rand(p.shape, generator=generator))
            elif name.endswith(".bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            elif "norm" in name and name.endswith(".weight"):
                p.copy_(0.8 + 0.4 * torch.rand(p.shape, generator=generator))
            elif name.endswith("head.weight") or name.startswith("classifier"):
                p.mul_(10)


def newer_key(key):
    if key.endswith(".weight_g"):
        return key[: -len("weight_g")] + "parametrizations.weight.original0"
    if key.endswith(".weight_v"):
        return key[: -len("weight_v")] + "parametrizations.weight.original1"
    return key


def test_signal(n):
    t = np.arange(n) / 16000
    rng = np.random.default_rng(7)
    x = 0.3 * np.sin(2 * np.pi * 180 * t) * (1 + np.sin(2 * np.pi * 3 * t)) + 0.1 * np.sin(2 * np.pi * (300 + 2000 * t) * t)
    return (x + 0.05 * rng.standard_normal(n)).astype("<f4")


def generate(name, config_args, out_dir, seed, samples):
    from transformers.models.wav2vec2.configuration_wav2vec2 import Wav2Vec2Config

    torch.manual_seed(seed)
    config = Wav2Vec2Config(**config_args)
    if name == "stable-ctc":
        from autosing.fc_model import Wav2Vec2ForFrameClassification as Model
    else:
        from transformers import Wav2Vec2ForAudioFrameClassification as Model
    model = Model(config).eval()
    perturb(model, torch.Generator().manual_seed(seed + 1))
    os.makedirs(out_dir, exist_ok=True)
    state = model.state_dict()
    if name == "stable-ctc":
        state = {newer_key(k): v for k, v in state.items()}
    torch.save(state, os.path.join(out_dir, "pytorch_model.bin"))
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(config.to_dict(), f, indent=1)
    x = test_signal(samples)
    x.tofile(os.path.join(out_dir, "input.f32"))
    with torch.inference_mode():
        logits = model(torch.from_numpy(x)[None], return_dict=False)[0]
    logits.numpy().astype("<f4").tofile(os.path.join(out_dir, "logits.f32"))
    golden = {"upstream": "transformers 4.57.6 wav2vec2", "samples": samples, "logitsShape": list(logits.shape),
              "argmax": logits[0].argmax(-1).tolist()}
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(golden, f)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, logits {list(logits.shape)}")


class Hostile:
    """Pickles as posix.system("touch …"): what a malicious pytorch_model.bin holds."""

    def __reduce__(self):
        return (os.system, ("touch /tmp/autosing-fc-pwned",))


def main():
    install_stubs(sys.argv[1])
    out = sys.argv[2] if len(sys.argv) > 2 else "packages/pretrained/test/__fixtures__/frame-classifier"
    generate("stable-ctc", CONFIGS["stable-ctc"], os.path.join(out, "stable-ctc"), seed=2024, samples=16000)
    generate("group-frame", CONFIGS["group-frame"], os.path.join(out, "group-frame"), seed=4202, samples=3210)
    os.makedirs(os.path.join(out, "hostile"), exist_ok=True)
    torch.save({"lm_head.weight": torch.zeros(2, 2), "lm_head.bias": Hostile()}, os.path.join(out, "hostile", "pytorch_model.bin"))


if __name__ == "__main__":
    main()
