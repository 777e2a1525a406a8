# The upstream side of bench/bn-whisper.bench.ts: the same BN-Whisper forward by upstream PyTorch.
# Reads the bench's safetensors copies (rvq + whisper encoder), builds autosing/bn_whisper.py's
# BNWhisper (WhisperSpeech RQBottleneckTransformer) and OpenAI whisper's Whisper from them as
# BNWhisper.load_model / whisper.load_model do, and times whisper.log_mel_spectrogram +
# encode_mel on a 30 s float32 signal (one warm-up, then `repeats` runs). Prints one JSON line:
# {"seconds": [...], "tokens": [...], "threads", "peak_rss", "torch"}.
# Usage: /usr/bin/python3 bn-whisper-torch.py rvq.safetensors whisper.safetensors audio.f32 repeats threads
# The upstream sources come from /work/upstream (as for scripts/golden/bn_whisper.py, whose
# stand-ins for the modules Debian's python3 lacks are reused); the whisper copy has no decoder
# tensors, so the decoder keeps its random init (encode_mel never runs it).
import json
import os
import resource
import struct
import sys
import time

UPSTREAM = os.environ.get("AUTOSING_UPSTREAM", "/work/upstream")
for path in ["autosing", "WhisperSpeech", "whisper-20240930", "vector-quantize-pytorch-1.6.22", "einops-0.8.0"]:
    sys.path.insert(0, os.path.join(UPSTREAM, path))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "golden"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from bn_whisper import install_stand_ins  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    metadata = header.pop("__metadata__", {})
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        start, end = entry["data_offsets"]
        array = np.frombuffer(data, dtype="<f4", count=(end - start) // 4, offset=base + start)
        tensors[name] = torch.from_numpy(array.reshape(entry["shape"]).copy())
    return tensors, {k: json.loads(v) for k, v in metadata.items()}


def main():
    rvq_path, whisper_path, audio_path, repeats, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    # The same number of threads as onnxruntime gets (Debian's torch otherwise starts with 1 here).
    torch.set_num_threads(threads)
    install_stand_ins()
    import whisper
    from whisper.model import ModelDimensions, Whisper
    from whisperspeech.vq_stoks import Tunables
    from autosing.bn_whisper import BNWhisper

    tensors, meta = read_safetensors(rvq_path)
    vq = BNWhisper(**meta["config"], tunables=Tunables(**Tunables.upgrade(meta.get("tunables", {}))))
    vq.load_state_dict({k[len("state_dict."):]: v for k, v in tensors.items()})
    vq.eval()
    tensors, meta = read_safetensors(whisper_path)
    model = Whisper(ModelDimensions(**meta["dims"]))
    missing, unexpected = model.load_state_dict({k[len("model_state_dict."):]: v for k, v in tensors.items()}, strict=False)
    assert not unexpected and all(k.startswith("decoder.") for k in missing), (missing, unexpected)
    del tensors
    vq.whmodel = [model.eval()]

    audio = torch.from_numpy(np.fromfile(audio_path, dtype="<f4")).unsqueeze(0)
    seconds = []
    with torch.no_grad():
        tokens = vq.encode_mel(whisper.log_mel_spectrogram(audio))
        for _ in range(repeats):
            started = time.perf_counter()
            tokens = vq.encode_mel(whisper.log_mel_spectrogram(audio))
            seconds.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "tokens": tokens[0].tolist(), "threads": torch.get_num_threads(), "peak_rss": peak, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
