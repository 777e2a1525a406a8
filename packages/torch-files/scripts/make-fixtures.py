"""Golden fixtures for @autosing/torch-files, written by PyTorch itself.

What: saves small state dicts with torch.save in both formats (the zip archive, and the legacy
pickle stream of `_use_new_zipfile_serialization=False`): float32/float16/bfloat16/float64/int64/
int32 tensors, a transposed (non-contiguous) view, two views sharing one storage at offsets, a
Parameter, a 0-dim and an empty tensor, nested dicts/lists/tuples/ints/floats/strings/None/bools;
one file holding an instance of a custom class (the inert-placeholder case); and hand-made hostile
pickles that would call os.system if a real unpickler ran them. Expected values go to
expected.json (int64 values as decimal strings, halves widened to float32 by torch).

How: /usr/bin/python3 packages/torch-files/scripts/make-fixtures.py   (from the repository root)
Upstream: PyTorch 1.13 (Debian python3-torch), its own torch.save; no stand-ins are needed.
Output: packages/torch-files/test/__fixtures__/ (a few KB). Every file but state-legacy.pt comes out
byte-identical on each run; the legacy format names storages by their memory address
(`str(storage._cdata)`), so that file's storage keys differ from run to run.
"""
import json
import os
import pickle
import zipfile

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "__fixtures__")
# What the hostile pickles would create if anything executed them; the tests assert it never appears.
PWNED = "/tmp/autosing-torch-files-pwned"


class CustomThing:
    """A user class torch.save pickles by reference (`__main__.CustomThing`): must come back inert."""

    def __init__(self, size):
        self.size = size
        self.label = "custom"


def state_dict():
    g = torch.Generator().manual_seed(1234)
    base = torch.arange(20, dtype=torch.float32) * 0.5
    return {
        "f32": torch.randn(3, 4, generator=g),
        "f16": torch.randn(5, generator=g).half(),
        "bf16": torch.randn(2, 3, generator=g).bfloat16(),
        "f64": torch.randn(2, 2, generator=g).double(),
        "i64": torch.tensor([0, -1, 2**40, 7, -(2**62)], dtype=torch.int64),
        "i32": torch.tensor([[1, -2], [3, 2**31 - 1]], dtype=torch.int32),
        "transposed": torch.randn(3, 5, generator=g).t(),
        "shared_a": base[4:10].view(2, 3),
        "shared_b": base[10:16].view(3, 2),
        "param": torch.nn.Parameter(torch.randn(2, 2, generator=g)),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
        "nested": {
            "list": [1, 2.5, "text", None, True, False],
            "tuple": (1, (2, 3), "x"),
            "big": 2**62,
            "negative": -5,
            "small": 1e-3,
            "unicode": "Grüße ✓",
            "inner": {"deep": {"w": torch.ones(2) * 7}},
        },
    }


def describe(value):
    if isinstance(value, torch.Tensor):
        dtype = str(value.dtype).replace("torch.", "")
        flat = value.detach().reshape(-1)
        values = [str(int(v)) for v in flat.tolist()] if dtype in ("int64", "int32") else flat.float().tolist()
        return {"$tensor": {"dtype": dtype, "shape": list(value.shape), "values": values}}
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {"$tuple": [describe(v) for v in value]}
    if isinstance(value, list):
        return [describe(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return {"$int": str(value)}
    return value


def zip_with_pickle(path, pickle_bytes, storages=()):
    """A zip laid out as torch.save lays it out (stored members under one folder), with a hand-made data.pkl."""
    def member(name):
        # A fixed time stamp, so the fixture bytes do not change from one run to the next.
        return zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(member("archive/data.pkl"), pickle_bytes)
        for key, data in storages:
            archive.writestr(member(f"archive/data/{key}"), data)
        archive.writestr(member("archive/version"), "3\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    sd = state_dict()
    torch.save(sd, os.path.join(OUT, "state-zip.pt"))
    torch.save(sd, os.path.join(OUT, "state-legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save({"weight": torch.ones(2, 2), "thing": CustomThing(3)}, os.path.join(OUT, "custom-class.pt"))

    # os.system as a plain value: the restricted unpickler must keep it inert (nothing runs).
    system_call = b"\x80\x02}q\x00X\x06\x00\x00\x00actionq\x01cposix\nsystem\nq\x02X" + len(f"touch {PWNED}").to_bytes(4, "little") + f"touch {PWNED}".encode() + b"\x85R" + b"s."
    zip_with_pickle(os.path.join(OUT, "system-value.pt"), system_call)
    # os.system's result where _rebuild_tensor_v2 needs a storage: an error naming the global.
    cmd = f"touch {PWNED}".encode()
    on_tensor_path = (
        b"\x80\x02}q\x00X\x06\x00\x00\x00weightq\x01ctorch._utils\n_rebuild_tensor_v2\n("
        + b"cos\nsystem\nX" + len(cmd).to_bytes(4, "little") + cmd + b"\x85R"
        + b"K\x00K\x01\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR" + b"s."
    )
    zip_with_pickle(os.path.join(OUT, "system-tensor.pt"), on_tensor_path)
    # A bare pickle (legacy path) whose first object is a call to os.system.
    with open(os.path.join(OUT, "system-bare.pkl"), "wb") as f:
        f.write(b"\x80\x02cos\nsystem\nX" + len(cmd).to_bytes(4, "little") + cmd + b"\x85R.")
    for name in ("system-value.pt", "system-tensor.pt", "system-bare.pkl"):
        # Python's own pickle would run these; check the bytes at least parse as the opcodes intended.
        data = open(os.path.join(OUT, name), "rb").read()
        if name.endswith(".pt"):
            data = zipfile.ZipFile(os.path.join(OUT, name)).read("archive/data.pkl")
        import pickletools
        pickletools.dis(data, out=open(os.devnull, "w"))

    expected = {"state": describe(sd), "custom": {"weight": describe(torch.ones(2, 2))}, "pwned_marker": PWNED}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
