"""Transcoding: renditions, orientation, metadata stripping, poster, AI labels, sandbox.

Metadata categories written into the inputs and looked for in every output, by probing the
outputs (global and stream tags) and by scanning their bytes: the classic udta atoms
(``location`` → ``©xyz`` in MOV, ``loci`` in MP4; creation time; make, model, title,
comment), the QuickTime ``keys`` spelling phones use (``com.apple.quicktime.location.ISO6709``,
make, model, software, creation date) and stream tags.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest
from PIL import Image

from qiao.engines.media.video import (
    Rendition,
    VideoPolicy,
    VideoRejected,
    extract_audio,
    probe,
    transcode,
)
from qiao.engines.media.video.sandbox import Limits, run_job
from qiao.engines.media.video.synth import (
    LEAK_MARKERS,
    PHONE_METADATA,
    UDTA_METADATA,
    append_box,
    make_clip,
)

from .images import c2pa_store, xmp_packet

pytestmark = pytest.mark.usefixtures("needs_video")

SMALL = (
    Rendition(48, crf=30, maxrate_kbps=300, audio_kbps=48),
    Rendition(96, crf=30, maxrate_kbps=600, audio_kbps=64),
    Rendition(1080, crf=23, maxrate_kbps=6000, audio_kbps=128),
)
POLICY = VideoPolicy(renditions=SMALL, min_side=32)


def _first_frame(path: str) -> Image.Image:
    with av.open(path) as c:
        for frame in c.decode(video=0):
            return frame.to_image()
    raise AssertionError("no frame")


def _corners(img: Image.Image) -> tuple[tuple[int, ...], tuple[int, ...]]:
    w, h = img.size
    tl, tr = img.getpixel((2, 2)), img.getpixel((w - 3, 2))
    assert isinstance(tl, tuple) and isinstance(tr, tuple)
    return tl, tr


def _is(colour: tuple[int, ...], want: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 60 for a, b in zip(colour, want, strict=False))


def test_renditions_are_h264_aac_faststart_and_never_upscaled(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", width=160, height=96, fps=24, seconds=1.5)
    result = transcode(clip, tmp_path / "out", POLICY)
    assert [r.label for r in result.renditions] == ["48p", "96p"]  # 1080p skipped
    assert (result.width, result.height, result.has_audio) == (160, 96, True)
    assert result.duration == pytest.approx(1.5, abs=0.1)
    for r, short in zip(result.renditions, (48, 96), strict=True):
        assert min(r.width, r.height) == short and r.width % 2 == 0 and r.height % 2 == 0
        data = Path(r.path).read_bytes()
        assert data.index(b"moov") < data.index(b"mdat")  # +faststart
        with av.open(r.path) as c:
            v, a = c.streams.video[0], c.streams.audio[0]
            assert v.codec_context.name == "h264" and v.codec_context.pix_fmt == "yuv420p"
            assert a.codec_context.name == "aac" and a.codec_context.sample_rate == 48000
            assert (v.codec_context.width, v.codec_context.height) == (r.width, r.height)
            assert float(c.duration) / 1e6 == pytest.approx(1.5, abs=0.15)
            assert sum(1 for _ in c.decode(video=0)) == 36


def test_a_clip_smaller_than_every_size_keeps_its_own(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", width=64, height=40)
    result = transcode(
        clip,
        tmp_path / "out",
        POLICY.__class__(renditions=(Rendition(360, 26, 900, 64),), min_side=32),
    )
    assert [(r.label, r.width, r.height) for r in result.renditions] == [("source", 64, 40)]


@pytest.mark.parametrize(
    ("rotation", "size", "red_corner"),
    [(0, (96, 64), "left"), (90, (64, 96), "right"), (180, (96, 64), None), (270, (64, 96), None)],
)
def test_portrait_clips_come_out_upright(
    tmp_path: Path, rotation: int, size: tuple[int, int], red_corner: str | None
) -> None:
    # The coded picture has red at its top-left and blue at its bottom-right. Turned 90°
    # clockwise for display, red is at the top-right; 180°: blue at the top-left; 270°
    # (counter-clockwise 90°): blue at the top-right... checked through both top corners.
    clip = make_clip(tmp_path / "in.mp4", width=96, height=64, rotation=rotation)
    result = transcode(
        clip, tmp_path / "out", VideoPolicy(renditions=(Rendition(64, 26, 900, 64),), min_side=32)
    )
    out = result.renditions[0]
    assert (out.width, out.height) == size
    with av.open(out.path) as c:
        assert all(k not in ("rotate",) for k in c.streams.video[0].metadata)
    frame = _first_frame(out.path)
    assert frame.size == size  # no display matrix left to apply: pixels are upright
    tl, tr = _corners(frame)
    expected = {
        0: ((220, 0, 0), None),
        90: (None, (220, 0, 0)),
        180: ((0, 0, 220), None),
        270: (None, (0, 0, 220)),
    }[rotation]
    if expected[0]:
        assert _is(tl, expected[0]), tl
    if expected[1]:
        assert _is(tr, expected[1]), tr
    poster = Image.open(result.poster_path)
    assert poster.size[0] / poster.size[1] == pytest.approx(size[0] / size[1], rel=0.05)


@pytest.mark.parametrize(
    ("container", "suffix", "metadata", "options"),
    [
        ("mov", ".mov", PHONE_METADATA, {"movflags": "use_metadata_tags"}),
        ("mov", ".mov", UDTA_METADATA, {}),
        ("mp4", ".mp4", UDTA_METADATA, {}),
    ],
    ids=["quicktime-keys", "mov-udta", "mp4-udta"],
)
def test_every_output_is_free_of_metadata(
    tmp_path: Path, container: str, suffix: str, metadata: dict[str, str], options: dict[str, str]
) -> None:
    clip = make_clip(
        tmp_path / f"phone{suffix}",
        width=96,
        height=64,
        container=container,
        metadata=metadata,
        options=options,
        rotation=90,
        stream_metadata={"title": "Shibuya crossing", "handler_name": "iPhone"},
    )
    raw = clip.read_bytes()
    assert any(marker in raw for marker in (b"+35.6895", b"\xa9xyz", b"loci"))  # really there
    result = transcode(clip, tmp_path / "out", POLICY)
    assert result.renditions
    for out in [r.path for r in result.renditions] + [result.poster_path]:
        data = Path(out).read_bytes()
        leaked = [m for m in LEAK_MARKERS if m in data]
        assert not leaked, (out, leaked)
    for r in result.renditions:
        with av.open(r.path) as c:
            tags = {k.lower() for k in c.metadata}
            assert tags <= {"major_brand", "minor_version", "compatible_brands"}, tags
            for stream in c.streams:
                assert set(stream.metadata) <= {"language", "handler_name", "vendor_id"}
                assert stream.metadata.get("handler_name") in (None, "VideoHandler", "SoundHandler")


@pytest.mark.parametrize(
    ("container", "vcodec", "acodec", "suffix"),
    [
        ("mp4", "libx265", "aac", ".mp4"),
        ("webm", "libvpx-vp9", "libopus", ".webm"),
        ("mov", "libx264", None, ".mov"),
    ],
)
def test_hevc_vp9_and_silent_inputs(
    tmp_path: Path, container: str, vcodec: str, acodec: str | None, suffix: str
) -> None:
    clip = make_clip(
        tmp_path / f"in{suffix}",
        width=96,
        height=64,
        fps=12,
        container=container,
        vcodec=vcodec,
        acodec=acodec,
    )
    result = transcode(clip, tmp_path / "out", POLICY)
    assert result.has_audio is (acodec is not None)
    with av.open(result.renditions[-1].path) as c:
        assert c.streams.video[0].codec_context.name == "h264"
        assert len(c.streams.audio) == (1 if acodec else 0)


def test_poster_goes_through_the_image_pipeline(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", width=160, height=96, seconds=2)
    result = transcode(clip, tmp_path / "out", POLICY)
    poster = Image.open(result.poster_path)
    assert poster.format == "JPEG" and poster.size == (160, 96)
    assert result.poster.clean_jpeg == Path(result.poster_path).read_bytes()
    assert len(result.poster.blurhash) == 28 and result.poster.dominant_color.startswith("#")
    assert not (tmp_path / "out" / "poster-source.png").exists()


def test_high_frame_rates_are_capped(tmp_path: Path) -> None:
    clip = make_clip(
        tmp_path / "slowmo.mp4", width=64, height=64, fps=120, seconds=0.5, acodec=None
    )
    result = transcode(
        clip,
        tmp_path / "out",
        VideoPolicy(renditions=(Rendition(64, 30, 300, 48),), min_side=32, max_output_fps=30),
    )
    with av.open(result.renditions[0].path) as c:
        assert sum(1 for _ in c.decode(video=0)) == 15


@pytest.mark.parametrize(
    ("boxes", "ai", "reasons"),
    [
        (
            [
                (
                    b"uuid",
                    bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
                    + xmp_packet("trainedAlgorithmicMedia"),
                )
            ],
            True,
            ("xmp_trained_algorithmic_media",),
        ),
        (
            [
                (
                    b"uuid",
                    bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
                    + xmp_packet("digitalCapture"),
                )
            ],
            False,
            (),
        ),
        (
            [
                (
                    b"uuid",
                    bytes.fromhex("D8FEC3D61B0E483C92975828877EC481")
                    + b"\x00" * 4
                    + b"manifest\x00"
                    + b"\x00" * 8
                    + c2pa_store(),
                )
            ],
            True,
            ("c2pa_trained_algorithmic_media",),
        ),
        ([(b"free", b"trainedAlgorithmicMedia " * 4)], False, ()),
    ],
    ids=["xmp-ai", "xmp-capture", "c2pa-ai", "words-in-free-box"],
)
def test_ai_declarations_in_videos(
    tmp_path: Path, boxes: list[tuple[bytes, bytes]], ai: bool, reasons: tuple[str, ...]
) -> None:
    clip = make_clip(tmp_path / "in.mp4", width=96, height=64)
    for kind, payload in boxes:
        append_box(clip, kind, payload)
    info = probe(clip, POLICY)
    assert info.ai_generated is ai and info.ai_reasons == reasons
    result = transcode(clip, tmp_path / "out", POLICY, info=info)
    assert result.ai_generated is ai
    for r in result.renditions:
        data = Path(r.path).read_bytes()
        assert b"xmpmeta" not in data and b"jumb" not in data


def test_failed_transcode_leaves_nothing(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in.mp4", width=96, height=64, seconds=2)
    info = probe(clip, POLICY)
    lying = info.__class__(**{**info.__dict__, "duration": 0.5})  # as if the header lied
    with pytest.raises(VideoRejected) as err:
        transcode(
            clip,
            tmp_path / "out",
            VideoPolicy(renditions=SMALL, min_side=32, max_duration=1.0),
            info=lying,
        )
    assert err.value.code == "too_long"
    assert list((tmp_path / "out").iterdir()) == []


def test_extract_audio_for_transcription(tmp_path: Path) -> None:
    import wave

    clip = make_clip(tmp_path / "in.mp4", width=64, height=64, seconds=1.5)
    seconds = extract_audio(clip, tmp_path / "a.wav", POLICY)
    assert seconds == pytest.approx(1.5, abs=0.1)
    with wave.open(str(tmp_path / "a.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        assert w.getnframes() / 16000 == pytest.approx(1.5, abs=0.1)
    silent = make_clip(tmp_path / "silent.mp4", width=64, height=64, acodec=None)
    with pytest.raises(VideoRejected) as err:
        extract_audio(silent, tmp_path / "b.wav", POLICY)
    assert err.value.code == "no_audio_stream"
    assert not (tmp_path / "b.wav").exists()


def test_sandbox_ends_a_run_that_never_stops() -> None:
    # The child spins forever, so only the limit can end it: the outcome does not depend on
    # how fast this machine is.
    with pytest.raises(VideoRejected) as err:
        run_job(
            "selftest_spin",
            {},
            Limits(wall_seconds=2, cpu_seconds=60, memory_mb=512, file_size_mb=1),
        )
    assert err.value.code == "timeout"
    with pytest.raises(VideoRejected) as err:
        run_job(
            "selftest_spin",
            {},
            Limits(wall_seconds=60, cpu_seconds=1, memory_mb=512, file_size_mb=1),
        )
    assert err.value.code == "timeout"


def test_sandbox_caps_memory() -> None:
    with pytest.raises(VideoRejected) as err:
        run_job(
            "selftest_alloc",
            {},
            Limits(wall_seconds=60, cpu_seconds=60, memory_mb=600, file_size_mb=1),
        )
    assert err.value.code == "resource_limit"


def test_policy_travels_as_json() -> None:
    assert json.loads(json.dumps(VideoPolicy().to_json()))["max_duration"] == 180.0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(x) for x in (task / "children").read_text().split()]
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_a_sandboxed_run_dies_with_the_process_that_started_it() -> None:
    # A worker killed with SIGKILL must not leave its FFmpeg child running unwatched.
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "from qiao.engines.media.video.sandbox import Limits, run_job\n"
                "run_job('selftest_spin', {}, Limits(wall_seconds=120, cpu_seconds=120, "
                "memory_mb=512, file_size_mb=1))\n"
            ),
        ]
    )
    child = None
    try:
        for _ in range(400):  # until the child has started (a few seconds at most)
            found = _children(parent.pid)
            if found:
                child = found[0]
                break
            time.sleep(0.05)
        assert child is not None, "the sandbox never started its child"
        # Killed before the child asked for PR_SET_PDEATHSIG, it sees its parent changed and
        # exits; killed after, the kernel kills it: either way it must go.
        parent.kill()
        parent.wait()
        for _ in range(200):
            if not _alive(child):
                break
            time.sleep(0.05)
        assert not _alive(child), "the child outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        if child is not None and _alive(child):
            os.kill(child, signal.SIGKILL)
