# Shared by the RoFormer golden scripts (mel_band_roformer.py, bs_roformer.py) and the separator
# bench's upstream side (bench/separator_torch.py): the seeded random weights, the fork's
# MDXCSeparator set up as its Separator.load_model would (without the Separator around it), and the
# first chunk's masks and separation. Call after mel_band_roformer.install_stubs().
import os

import numpy as np
import torch

# The reduced-width configurations' YAML around their model-specific keys: the audio block (n_fft
# 128, dim_t 33: 1024-sample chunks) and the STFT, loss, training and inference keys they share.
TINY_AUDIO_YAML = """audio:
  chunk_size: 1024
  dim_f: 64
  dim_t: 33
  hop_length: 32
  n_fft: 128
  num_channels: 2
  sample_rate: 44100
  min_mean_abs: 0.000

model:
"""
TINY_YAML_TAIL = """  stft_n_fft: 128
  stft_hop_length: 32
  stft_win_length: 128
  stft_normalized: False
  mask_estimator_depth: 2
  multi_stft_resolution_loss_weight: 1.0
  multi_stft_resolutions_window_sizes: !!python/tuple
  - 128
  - 64
  multi_stft_hop_size: 147
  multi_stft_normalized: False

training:
  batch_size: 1
  instruments:
  - vocals
  - other
  target_instrument: vocals

inference:
  batch_size: 1
  dim_t: 33
  num_overlap: 2
"""


def randomize_weights(model):
    """Seeded-RNG weights on the scale a trained network has: RMSNorm gains near 1, rotary freqs kept."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("gamma"):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            elif name.endswith("freqs"):
                pass
            else:
                p.copy_(torch.randn_like(p) * (0.5 / max(1, p.shape[-1]) ** 0.5) if p.ndim > 1 else torch.randn_like(p) * 0.1)


class _Quiet:
    def debug(self, *a):
        pass

    info = error = debug


def load_fork_separator(model_data, ckpt_path, overlap):
    """The fork's MDXCSeparator for a RoFormer checkpoint on the CPU, loaded by its own load_model; `overlap` in seconds."""
    from audio_separator.separator.architectures.mdxc_separator import MDXCSeparator

    model_data["is_roformer"] = True
    separator = object.__new__(MDXCSeparator)
    separator.model_data = model_data
    separator.model_path = ckpt_path
    separator.torch_device = torch.device("cpu")
    separator.pitch_shift = 0
    separator.override_model_segment_size = False
    separator.segment_size = 256
    separator.overlap = overlap
    separator.is_roformer = True
    separator.is_vocal_main_target = model_data["training"]["target_instrument"] == "Vocals"
    separator.logger = _Quiet()
    separator.load_model()
    return separator


def first_chunk(model, model_data, ckpt_path, mix):
    """(chunk samples, the first mask estimator's output, the model's vocals) for the mix's first chunk, weights reloaded from the checkpoint."""
    chunk = model_data["audio"]["hop_length"] * (model_data["inference"]["dim_t"] - 1)
    masks = []
    hook = model.mask_estimators[0].register_forward_hook(lambda m, i, o: masks.append(o.detach().numpy()))
    model.load_state_dict(torch.load(ckpt_path, map_location="cpu"))
    with torch.no_grad():
        chunk_vocals = model(torch.from_numpy(mix[:, :chunk]).unsqueeze(0))[0].numpy()
    hook.remove()
    return chunk, masks[0], chunk_vocals


def write_f32(out_dir, name, array):
    np.asarray(array).astype("<f4").tofile(os.path.join(out_dir, name))
