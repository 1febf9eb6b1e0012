"""Synthetic clips for the tests, the benchmark and a self-check: made with PyAV here, never
downloaded.

:func:`make_clip` encodes colour bars with a moving box, corner markers (red top-left, blue
bottom-right of the coded picture, so a test can tell which way is up) and light noise, plus
a sine tone; with rotation metadata, GPS/QuickTime metadata, any container and codec PyAV
can write. :func:`bad_inputs` builds the hostile-input suite, one file per way a "video" can
be wrong, with the rejection code each must get. Runs in the calling process (tests and the
benchmark own these files); only :mod:`.sandbox` touches untrusted input.
"""

from __future__ import annotations

import os
import struct
import zipfile
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: The iPhone spelling of location and device metadata (QuickTime "keys" atoms, written with
#: ``movflags=use_metadata_tags``) and the classic udta spelling (``location`` → ``©xyz`` in
#: MOV, ``loci`` in MP4).
PHONE_METADATA = {
    "com.apple.quicktime.location.ISO6709": "+35.6895+139.6917+040.000/",
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 15 Pro",
    "com.apple.quicktime.software": "17.4.1",
    "com.apple.quicktime.creationdate": "2024-05-01T10:00:00+0900",
}
UDTA_METADATA = {
    "location": "+35.6895+139.6917/",
    "creation_time": "2024-05-01T10:00:00.000000Z",
    "make": "Apple",
    "model": "iPhone 15 Pro",
    "title": "Shibuya crossing",
    "comment": "shot at home",
}
#: Strings that must not survive into any output (the values above, and the atom names).
LEAK_MARKERS = (
    b"+35.6895",
    b"139.6917",
    b"iPhone",
    b"Apple",
    b"2024-05-01",
    b"Shibuya",
    b"shot at home",
    b"\xa9xyz",
    b"ISO6709",
    b"com.apple.quicktime",
    b"loci",
)


def _frame(width: int, height: int, index: int, noise: NDArray[np.uint8]) -> NDArray[np.uint8]:
    bars = np.array(
        [
            (192, 192, 192),
            (192, 192, 0),
            (0, 192, 192),
            (0, 192, 0),
            (192, 0, 192),
            (192, 0, 0),
            (0, 0, 192),
        ],
        np.uint8,
    )
    cols = (np.arange(width) * len(bars) // max(1, width)).clip(0, len(bars) - 1)
    img = np.empty((height, width, 3), np.uint8)
    img[:] = bars[cols][None, :, :]
    img[height // 2 :, :] = np.linspace(0, 255, width, dtype=np.uint8)[None, :, None]
    box = max(2, min(width, height) // 6)
    x = (index * max(1, width // 50)) % max(1, width - box)
    y = height // 3
    img[y : y + box, x : x + box] = (255, 255, 255)
    img = np.clip(img.astype(np.int16) + noise[:height, :width] - 6, 0, 255).astype(np.uint8)
    qw, qh = max(2, width // 4), max(2, height // 4)
    img[:qh, :qw] = (220, 0, 0)
    img[-qh:, -qw:] = (0, 0, 220)
    return img


def make_clip(
    path: str | os.PathLike[str],
    *,
    width: int = 64,
    height: int = 36,
    fps: float = 10,
    seconds: float = 1.0,
    container: str = "mp4",
    vcodec: str = "libx264",
    acodec: str | None = "aac",
    rotation: int = 0,
    metadata: Mapping[str, str] | None = None,
    stream_metadata: Mapping[str, str] | None = None,
    options: Mapping[str, str] | None = None,
    codec_options: Mapping[str, str] | None = None,
    pix_fmt: str = "yuv420p",
    frames: int | None = None,
) -> Path:
    """Encode a synthetic clip. ``rotation`` is clockwise degrees a player must turn the
    coded picture (a phone held upright records landscape pixels with rotation 90)."""
    import av

    path = Path(path)
    out = av.open(str(path), mode="w", format=container, options=dict(options or {}))
    if metadata:
        out.metadata.update(metadata)
    rate = Fraction(fps).limit_denominator(1001)
    vs: Any = out.add_stream(vcodec, rate=rate)
    vs.width, vs.height = width, height
    vs.pix_fmt = pix_fmt
    if codec_options:
        vs.options = dict(codec_options)
    elif vcodec == "libx264":
        vs.options = {"preset": "ultrafast", "crf": "20"}
    elif vcodec == "libx265":
        vs.options = {"preset": "ultrafast", "x265-params": "log-level=error"}
    elif vcodec == "libvpx-vp9":
        vs.options = {"deadline": "realtime", "cpu-used": "8"}
    if rotation:
        vs.set_display_rotation(-rotation)  # the display matrix turns counter-clockwise
    if stream_metadata:
        vs.metadata.update(stream_metadata)
    aus: Any = None
    if acodec:
        aus = out.add_stream(acodec, rate=48000)
        aus.layout = "stereo"
    count = frames if frames is not None else max(1, int(round(fps * seconds)))
    rng = np.random.default_rng(7)
    bank = [rng.integers(0, 13, (height, width, 1), dtype=np.uint8) for _ in range(4)]
    for i in range(count):
        # Sensor-like noise that moves from frame to frame (so inter prediction cannot copy
        # it), giving phone-like bitrates at phone-like quality settings.
        noise = np.roll(bank[i % 4], (i * 7) % max(1, height), axis=0)
        frame = av.VideoFrame.from_ndarray(_frame(width, height, i, noise), format="rgb24")
        frame.pts = i
        frame.time_base = 1 / rate
        for packet in vs.encode(frame):
            out.mux(packet)
    for packet in vs.encode():
        out.mux(packet)
    if aus is not None:
        sample_rate, block = 48000, 1024
        total = int(sample_rate * count / float(rate))
        for start in range(0, total, block):
            t = np.arange(start, min(start + block, total)) / sample_rate
            tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            aframe = av.AudioFrame.from_ndarray(
                np.stack([tone, tone]), format="fltp", layout="stereo"
            )
            aframe.sample_rate = sample_rate
            aframe.pts = start
            aframe.time_base = Fraction(1, sample_rate)
            for packet in aus.encode(aframe):
                out.mux(packet)
        for packet in aus.encode():
            out.mux(packet)
    out.close()
    return path


def make_audio_only(path: str | os.PathLike[str], seconds: float = 1.0) -> Path:
    import av

    out = av.open(str(path), mode="w", format="mp4")
    aus = out.add_stream("aac", rate=48000)
    aus.layout = "mono"
    total = int(48000 * seconds)
    for start in range(0, total, 1024):
        t = np.arange(start, min(start + 1024, total)) / 48000
        aframe = av.AudioFrame.from_ndarray(
            (0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)[None, :],
            format="fltp",
            layout="mono",
        )
        aframe.sample_rate, aframe.pts, aframe.time_base = 48000, start, Fraction(1, 48000)
        for packet in aus.encode(aframe):
            out.mux(packet)
    for packet in aus.encode():
        out.mux(packet)
    out.close()
    return Path(path)


def make_empty_stream(path: str | os.PathLike[str]) -> Path:
    """An MP4 whose video track lists its frames but every frame is 0 bytes long (the
    sample-size table zeroed): the stream is there, its packets are empty. (A track with no
    samples at all is dropped by the demuxer and reads as "no video stream".)"""
    clip = make_clip(path, acodec=None)
    data = bytearray(clip.read_bytes())
    at = data.index(b"stsz")
    (count,) = struct.unpack(">I", data[at + 12 : at + 16])
    data[at + 8 : at + 12] = b"\0\0\0\0"  # no uniform size: per-sample sizes follow
    data[at + 16 : at + 16 + 4 * count] = bytes(4 * count)
    clip.write_bytes(bytes(data))
    return clip


def append_box(path: str | os.PathLike[str], kind: bytes, payload: bytes) -> None:
    """Append a top-level ISO-BMFF box (valid anywhere at the top level)."""
    with open(path, "ab") as fh:
        fh.write(struct.pack(">I", 8 + len(payload)) + kind + payload)


def bad_inputs(directory: str | os.PathLike[str]) -> dict[str, tuple[Path, str]]:
    """The hostile-input suite: name -> (file, the rejection code it must get).

    Each category of wrong once: not a video at all (empty, text, HTML, an HLS playlist that
    points at a local file, JPEG, ZIP, a HEIC photo), another media container (AVI, MPEG-TS),
    no video (audio only, a video track without samples), damaged (moov cut off, media data
    cut off, noise after a valid header), limits (tiny, huge, absurd frame rates, longer than
    3 minutes, larger than the size limit) and an unsupported codec.
    """
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    cases: dict[str, tuple[Path, str]] = {}

    def raw(name: str, data: bytes, code: str) -> None:
        p = d / name
        p.write_bytes(data)
        cases[name] = (p, code)

    raw("empty.mp4", b"", "empty")
    raw("text_renamed.mov", b"Just some notes, renamed to look like a video.\n" * 40, "not_a_video")
    raw("html_renamed.mp4", b"<!doctype html><html><script>alert(1)</script></html>", "not_a_video")
    raw(
        "hls_playlist.mp4",
        b"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
        "not_a_video",
    )
    from PIL import Image

    jpeg = d / "photo.jpg"
    Image.new("RGB", (64, 64), (10, 120, 200)).save(jpeg, "JPEG")
    raw("jpeg_renamed.mp4", jpeg.read_bytes(), "not_a_video")
    jpeg.unlink()
    zpath = d / "archive_renamed.mp4"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("clip.mp4", b"\x00" * 1000)
    cases["archive_renamed.mp4"] = (zpath, "not_a_video")
    raw(
        "heic_renamed.mov",
        struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 200,
        "not_a_video",
    )

    avi = make_clip(d / "clip.avi", container="avi", vcodec="mpeg4", acodec=None)
    cases["avi_renamed.mp4"] = (avi.rename(d / "avi_renamed.mp4"), "unsupported_format")
    ts = make_clip(d / "clip.ts", container="mpegts", acodec=None)
    cases["mpegts_renamed.mp4"] = (ts.rename(d / "mpegts_renamed.mp4"), "unsupported_format")

    cases["audio_only.m4a"] = (make_audio_only(d / "audio_only.m4a"), "no_video_stream")
    cases["empty_stream.mp4"] = (make_empty_stream(d / "empty_stream.mp4"), "empty_stream")

    good = make_clip(d / "good.mp4", width=128, height=72, fps=10, seconds=3)
    data = good.read_bytes()
    mdat_at = data.index(b"mdat") - 4
    moov_at = data.index(b"moov") - 4
    # moov written last (no faststart): cutting the file in half loses the index.
    raw(
        "moov_cut_off.mp4",
        data[: max(moov_at, mdat_at) - 10] if moov_at > mdat_at else data[: len(data) // 2],
        "corrupt",
    )
    fast = make_clip(
        d / "fast.mp4", width=128, height=72, fps=10, seconds=6, options={"movflags": "+faststart"}
    )
    fdata = fast.read_bytes()
    raw("media_cut_off.mp4", fdata[: int(len(fdata) * 0.4)], "corrupt")
    fast.unlink()
    rng = np.random.default_rng(1)
    raw(
        "noise_after_header.mp4",
        data[:32] + rng.integers(0, 256, 50_000, dtype=np.uint8).tobytes(),
        "corrupt",
    )
    good.unlink()

    cases["tiny.mp4"] = (make_clip(d / "tiny.mp4", width=16, height=16), "dimensions_too_small")
    cases["huge.mp4"] = (
        make_clip(d / "huge.mp4", width=4400, height=64, frames=2, acodec=None),
        "dimensions_too_large",
    )
    cases["fps_1000.mp4"] = (
        make_clip(d / "fps_1000.mp4", width=64, height=64, fps=1000, seconds=0.2, acodec=None),
        "bad_frame_rate",
    )
    cases["fps_0_2.mp4"] = (
        make_clip(d / "fps_0_2.mp4", width=64, height=64, fps=0.2, frames=3, acodec=None),
        "bad_frame_rate",
    )
    cases["too_long.mp4"] = (
        make_clip(d / "too_long.mp4", width=64, height=64, fps=2, seconds=190, acodec=None),
        "too_long",
    )
    cases["ffv1.mkv"] = (
        make_clip(
            d / "ffv1.mkv",
            container="matroska",
            vcodec="ffv1",
            acodec=None,
            pix_fmt="yuv420p",
            codec_options={},
        ),
        "unsupported_codec",
    )
    big = d / "too_large.mp4"
    with open(big, "wb") as fh:  # sparse: costs no disk
        fh.write(struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2")
        fh.truncate(1100 * 1024 * 1024)
    cases["too_large.mp4"] = (big, "too_large")
    return cases
