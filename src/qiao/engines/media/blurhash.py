"""BlurHash encoder on NumPy, bit-for-bit compatible with the reference C encoder.

blurhash-python (the previous dependency) wraps Wolt's C encoder but reads pixels with
Pillow's ``Image.getdata``, which Pillow deprecates and removes in Pillow 14. This module is
the same algorithm (``encode.c`` / ``common.h`` of woltapp/blurhash) over a NumPy array: the
image is a small thumbnail (≤ 64 px), so the cost is a few hundred microseconds.

The C code accumulates in ``float`` (32-bit) and this code in 64-bit; the quantisation steps
(``floor(x * 9 + 9.5)``, ``floor(max * 166 - 0.5)``, sRGB rounding) are reproduced exactly,
so the strings agree except when a value lands within ~1e-6 of a quantisation boundary
(tests/engines/media/test_blurhash.py compares against hashes made by the C encoder).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"

#: sRGB byte -> linear light, as ``sRGBToLinear`` in common.h computes it.
_V = np.arange(256, dtype=np.float64) / 255.0
_SRGB_TO_LINEAR = np.where(_V <= 0.04045, _V / 12.92, ((_V + 0.055) / 1.055) ** 2.4)


def _encode_int(value: int, length: int) -> str:
    out = []
    for i in range(1, length + 1):
        digit = (value // (83 ** (length - i))) % 83
        out.append(_ALPHABET[digit])
    return "".join(out)


def _linear_to_srgb(value: float) -> int:
    v = max(0.0, min(1.0, value))
    if v <= 0.0031308:
        return int(v * 12.92 * 255 + 0.5)
    return int((1.055 * v ** (1 / 2.4) - 0.055) * 255 + 0.5)


def _sign_pow(value: float, exponent: float) -> float:
    return float(np.copysign(abs(value) ** exponent, value))


def encode_array(rgb: NDArray[np.uint8], x_components: int, y_components: int) -> str:
    """BlurHash of an ``(height, width, 3)`` uint8 sRGB array."""
    if not (1 <= x_components <= 9 and 1 <= y_components <= 9):
        raise ValueError("x_components and y_components must be between 1 and 9")
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.shape[0] == 0 or rgb.shape[1] == 0:
        raise ValueError("expected a non-empty (height, width, 3) array")
    height, width = rgb.shape[0], rgb.shape[1]
    linear = _SRGB_TO_LINEAR[rgb]  # (h, w, 3) float64
    # basis[x, px] = cos(pi * x * px / width); likewise for y. Separable, so one einsum.
    bx = np.cos(np.pi * np.outer(np.arange(x_components), np.arange(width)) / width)
    by = np.cos(np.pi * np.outer(np.arange(y_components), np.arange(height)) / height)
    factors = np.einsum("yh,xw,hwc->yxc", by, bx, linear) / (width * height)
    factors[1:, :, :] *= 2
    factors[0, 1:, :] *= 2  # normalisation: 1 for the DC term, 2 for every AC term
    flat = factors.reshape(-1, 3)
    dc, ac = flat[0], flat[1:]

    parts = [_encode_int((x_components - 1) + (y_components - 1) * 9, 1)]
    if len(ac):
        actual_max = float(np.abs(ac).max())
        quantised_max = int(max(0.0, min(82.0, np.floor(actual_max * 166 - 0.5))))
        maximum = (quantised_max + 1) / 166
        parts.append(_encode_int(quantised_max, 1))
    else:
        maximum = 1.0
        parts.append(_encode_int(0, 1))
    r, g, b = (_linear_to_srgb(float(c)) for c in dc)
    parts.append(_encode_int((r << 16) + (g << 8) + b, 4))
    for component in ac:
        quant = [
            int(max(0.0, min(18.0, np.floor(_sign_pow(float(c) / maximum, 0.5) * 9 + 9.5))))
            for c in component
        ]
        parts.append(_encode_int(quant[0] * 19 * 19 + quant[1] * 19 + quant[2], 2))
    return "".join(parts)


def encode_image(image: Image.Image, x_components: int, y_components: int) -> str:
    """BlurHash of a Pillow image (converted to RGB; give it a thumbnail, not a photo)."""
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    return encode_array(np.asarray(rgb, dtype=np.uint8), x_components, y_components)


def components_for(width: int, height: int) -> tuple[int, int]:
    """The component grid Qiao uses: 4×3 for landscape, 3×4 for portrait."""
    return (4, 3) if width >= height else (3, 4)
