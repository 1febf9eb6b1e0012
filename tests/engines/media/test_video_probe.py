"""Probing and validating clips by content: the hostile-input suite and the good clips.

The bad-input suite (``synth.bad_inputs``) has one file per category of wrong: not a video
at all (empty, text, HTML, an HLS playlist naming a local file, JPEG, ZIP, a HEIC photo, each
renamed .mp4/.mov), another media container (AVI, MPEG-TS), no video (audio only; a video
track whose frames are all empty), damage (the index cut off, the media data cut off, noise
after a valid header), limits (16×16, 4400 px wide, 1000 fps, 0.2 fps, 190 s, 1.1 GB) and
an unsupported codec (FFV1 in Matroska). Good clips: each phone codec and container.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qiao.engines.media.video import (
    REJECTION_CODES,
    VideoPolicy,
    VideoRejected,
    probe,
    sniff_file,
)
from qiao.engines.media.video.synth import make_clip

pytestmark = pytest.mark.usefixtures("needs_video")

BAD_NAMES = [
    "empty.mp4",
    "text_renamed.mov",
    "html_renamed.mp4",
    "hls_playlist.mp4",
    "jpeg_renamed.mp4",
    "archive_renamed.mp4",
    "heic_renamed.mov",
    "avi_renamed.mp4",
    "mpegts_renamed.mp4",
    "audio_only.m4a",
    "empty_stream.mp4",
    "moov_cut_off.mp4",
    "media_cut_off.mp4",
    "noise_after_header.mp4",
    "tiny.mp4",
    "huge.mp4",
    "fps_1000.mp4",
    "fps_0_2.mp4",
    "too_long.mp4",
    "ffv1.mkv",
    "too_large.mp4",
]


def test_the_suite_covers_every_input_code(bad_suite: dict[str, tuple[Path, str]]) -> None:
    assert sorted(bad_suite) == sorted(BAD_NAMES)
    produced = {code for _p, code in bad_suite.values()}
    input_codes = set(REJECTION_CODES) - {
        "timeout",
        "resource_limit",
        "processing_failed",
        "no_audio_stream",
    }
    assert produced == input_codes


@pytest.mark.parametrize("name", BAD_NAMES)
def test_bad_input_is_refused_with_its_code(
    name: str, bad_suite: dict[str, tuple[Path, str]]
) -> None:
    path, code = bad_suite[name]
    with pytest.raises(VideoRejected) as err:
        probe(path)
    assert err.value.code == code
    assert err.value.message and str(path) not in err.value.message


def test_non_videos_are_refused_without_ffmpeg(bad_suite: dict[str, tuple[Path, str]]) -> None:
    for name in (
        "text_renamed.mov",
        "hls_playlist.mp4",
        "jpeg_renamed.mp4",
        "archive_renamed.mp4",
        "avi_renamed.mp4",
        "too_large.mp4",
    ):
        path, code = bad_suite[name]
        with pytest.raises(VideoRejected) as err:
            sniff_file(path)
        assert err.value.code == code


@pytest.mark.parametrize(
    ("container", "vcodec", "acodec", "expect_v", "expect_a", "suffix"),
    [
        ("mp4", "libx264", "aac", "h264", "aac", ".mp4"),
        ("mov", "libx264", "aac", "h264", "aac", ".mov"),
        ("mp4", "libx265", "aac", "hevc", "aac", ".mp4"),
        ("mov", "libx265", None, "hevc", None, ".mov"),
        ("webm", "libvpx-vp9", "libopus", "vp9", "opus", ".webm"),
        ("matroska", "libx264", "libopus", "h264", "opus", ".mkv"),
    ],
)
def test_phone_codecs_and_containers(
    tmp_path: Path,
    container: str,
    vcodec: str,
    acodec: str | None,
    expect_v: str,
    expect_a: str | None,
    suffix: str,
) -> None:
    clip = make_clip(
        tmp_path / f"clip{suffix}",
        width=96,
        height=64,
        fps=15,
        seconds=1,
        container=container,
        vcodec=vcodec,
        acodec=acodec,
    )
    info = probe(clip)
    assert (info.width, info.height, info.rotation) == (96, 64, 0)
    assert info.video_codec == expect_v and info.audio_codec == expect_a
    assert info.has_audio is (expect_a is not None)
    assert info.fps == pytest.approx(15, rel=0.01)
    assert info.duration == pytest.approx(1.0, abs=0.1)
    assert info.container == ("webm" if container in ("webm", "matroska") else "mp4")


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_metadata_gives_the_displayed_size(tmp_path: Path, rotation: int) -> None:
    clip = make_clip(tmp_path / "phone.mp4", width=96, height=64, rotation=rotation)
    info = probe(clip)
    assert info.rotation == rotation
    assert (info.coded_width, info.coded_height) == (96, 64)
    assert (info.width, info.height) == ((64, 96) if rotation in (90, 270) else (96, 64))


def test_limits_come_from_the_policy(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "two_seconds.mp4", width=96, height=64, seconds=2)
    assert probe(clip).duration == pytest.approx(2.0, abs=0.1)
    for policy, code in [
        (VideoPolicy(max_duration=1.0), "too_long"),
        (VideoPolicy(max_bytes=1000), "too_large"),
        (VideoPolicy(max_side=90), "dimensions_too_large"),
        (VideoPolicy(min_side=70), "dimensions_too_small"),
        (VideoPolicy(max_fps=5), "bad_frame_rate"),
        (VideoPolicy(video_codecs=frozenset({"vp9"})), "unsupported_codec"),
    ]:
        with pytest.raises(VideoRejected) as err:
            probe(clip, policy)
        assert err.value.code == code, policy


def test_unknown_audio_is_dropped_not_fatal(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", width=96, height=64)
    info = probe(clip, VideoPolicy(audio_codecs=frozenset({"opus"})))
    assert not info.has_audio and "audio_dropped:aac" in info.notes
