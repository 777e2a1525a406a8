# The upstream side of bench/frame-classifier.bench.ts: the same wav2vec2 frame classifier run by
# upstream PyTorch. Builds AutoSing's fc_model.py Wav2Vec2ForFrameClassification (a transformers
# Wav2Vec2ForCTC) from the bench's config.json + model.safetensors, as `from_pretrained` does, and
# times `log(softmax(model(chunk).logits))` on one 30 s float32 chunk (one warm-up, then `repeats`
# runs), as autosing/alignment.py compute_emission. Prints one JSON line:
# {"seconds": [...], "argmax": [...], "threads", "peak_rss", "torch"}.
# Usage: /usr/bin/python3 frame-classifier-torch.py <model dir> audio.f32 repeats threads <wav2vec2 dir>
# where <wav2vec2 dir> holds transformers' models/wav2vec2/{modeling,configuration}_wav2vec2.py, as
# for scripts/golden/frame_classifier.py, whose stand-ins for the transformers internals are reused.
import json
import os
import resource
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "golden"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from frame_classifier import install_stubs  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    header.pop("__metadata__", None)
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        array = np.frombuffer(data, dtype="<f4", count=(end - start) // 4, offset=base + start)
        tensors[name] = torch.from_numpy(array.reshape(entry["shape"]).copy())
    return tensors


def main():
    model_dir, audio_path, repeats, threads, wav2vec2_dir = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    if not os.path.exists(os.path.join(wav2vec2_dir, "modeling_wav2vec2.py")):
        sys.exit(f"no transformers wav2vec2 sources in {wav2vec2_dir} (pass --wav2vec2 <dir>)")
    torch.set_num_threads(threads)
    install_stubs(wav2vec2_dir)
    from transformers.models.wav2vec2.configuration_wav2vec2 import Wav2Vec2Config
    from autosing.fc_model import Wav2Vec2ForFrameClassification

    with open(os.path.join(model_dir, "config.json")) as f:
        config = Wav2Vec2Config(**json.load(f))
    model = Wav2Vec2ForFrameClassification(config)
    model.load_state_dict(read_safetensors(os.path.join(model_dir, "model.safetensors")))
    model.eval()
    audio = torch.from_numpy(np.fromfile(audio_path, dtype="<f4")).unsqueeze(0)
    seconds = []
    with torch.inference_mode():
        emission = torch.log(torch.softmax(model(audio, return_dict=False)[0], dim=-1))
        for _ in range(repeats):
            started = time.perf_counter()
            emission = torch.log(torch.softmax(model(audio, return_dict=False)[0], dim=-1))
            seconds.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "argmax": emission[0].argmax(-1).tolist(), "threads": torch.get_num_threads(), "peak_rss": peak, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
