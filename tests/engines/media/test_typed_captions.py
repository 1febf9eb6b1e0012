"""Captions typed by an author, one per line ("0:05 Hello"), and the choice between a file
and typed lines.

Categories: each way of writing a time (m:ss, h:mm:ss, fractions with a dot or a comma,
an end with -, –, ~ or -->, bracketed); ends inferred from the next caption, the default
length and the clip's end; continuation lines (including ones that start with a number);
order; each error (no time on the first line, a time out of range, an end before the
start, too many cues, empty); markup typed into the text; and WebVTT/SRT files still parsed
as files.
"""

from __future__ import annotations

import pytest

from qiao.engines.media.captions import (
    TYPED_DEFAULT_SECONDS,
    CaptionPolicy,
    CaptionRejected,
    parse_any_captions,
    parse_typed_cues,
    parse_typed_time,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0:05", 5.0),
        ("1:02", 62.0),
        ("1:02.5", 62.5),
        ("1:02,25", 62.25),
        ("00:01:02.500", 62.5),
        ("1:00:00", 3600.0),
        ("12:34", 754.0),
    ],
)
def test_typed_times(text: str, seconds: float) -> None:
    assert parse_typed_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["0:75", "1:60:00", "a:05", "1::2", ""])
def test_bad_typed_times(text: str) -> None:
    with pytest.raises(CaptionRejected) as exc:
        parse_typed_time(text)
    assert exc.value.code == "bad_timestamp"


@pytest.mark.parametrize(
    "line",
    [
        "0:02-0:04 Hi",
        "0:02 - 0:04 Hi",
        "0:02–0:04 Hi",
        "0:02~0:04 Hi",
        "00:00:02.000 --> 00:00:04.000 Hi",
        "[0:02-0:04] Hi",
        "0:02-0:04 | Hi",
    ],
)
def test_every_way_of_writing_a_range(line: str) -> None:
    [cue] = parse_typed_cues(line).cues
    assert (cue.start, cue.end, cue.text) == (2.0, 4.0, "Hi")


def test_ends_come_from_the_next_caption_then_the_default_then_the_clip() -> None:
    track = parse_typed_cues("0:01 one\n0:03 two\n0:09 three")
    assert [(c.start, c.end) for c in track.cues] == [
        (1.0, 3.0),
        (3.0, 9.0),
        (9.0, 9.0 + TYPED_DEFAULT_SECONDS),
    ]
    clipped = parse_typed_cues("0:01 one\n0:09 three", duration=10.0)
    assert clipped.cues[-1].end == 10.0
    # A last caption typed at the very end still shows for a moment.
    assert parse_typed_cues("0:10 bye", duration=10.2).cues[-1].end > 10.2


def test_lines_without_a_time_continue_the_caption_above() -> None:
    track = parse_typed_cues("0:01 We counted\n100 people came\n\n0:04 next")
    assert track.cues[0].text == "We counted\n100 people came"
    assert len(track.cues) == 2


def test_out_of_order_lines_are_sorted() -> None:
    track = parse_typed_cues("0:05 later\n0:01 first")
    assert [c.text for c in track.cues] == ["first", "later"]
    assert track.cues[0].end == 5.0


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("Hello with no time", "bad_timestamp", 1),
        ("0:05-0:03 backwards", "bad_timing", 1),
        ("0:01 ok\n0:05-0:05 zero length", "bad_timing", 2),
        ("\n\n   \n", "empty", None),
    ],
)
def test_errors_say_which_line(text: str, code: str, line: int | None) -> None:
    with pytest.raises(CaptionRejected) as exc:
        parse_typed_cues(text)
    assert (exc.value.code, exc.value.line) == (code, line)


def test_too_many_typed_cues() -> None:
    text = "\n".join(f"{i // 60}:{i % 60:02d} c{i}" for i in range(12))
    with pytest.raises(CaptionRejected) as exc:
        parse_typed_cues(text, CaptionPolicy(max_cues=10))
    assert exc.value.code == "too_many_cues"


def test_cues_after_the_clip_are_dropped() -> None:
    with pytest.raises(CaptionRejected) as exc:
        parse_typed_cues("0:30 after the end", duration=10.0)
    assert exc.value.code == "no_cues"


def test_markup_typed_into_a_caption_is_text() -> None:
    track = parse_typed_cues("0:01 <script>alert(1)</script>a --> b &amp; <b>c</b>")
    assert "<" not in track.cues[0].text
    vtt = track.to_webvtt()
    assert "<script" not in vtt and "a --&gt; b" in vtt


def test_files_are_still_parsed_as_files() -> None:
    vtt = parse_any_captions("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n")
    srt = parse_any_captions("1\n00:00:01,000 --> 00:00:02,000\nhi\n")
    typed = parse_any_captions("0:01-0:02 hi")
    assert [(c.start, c.end, c.text) for c in vtt.cues] == [(1.0, 2.0, "hi")]
    assert [(c.start, c.end, c.text) for c in srt.cues] == [(1.0, 2.0, "hi")]
    assert [(c.start, c.end, c.text) for c in typed.cues] == [(1.0, 2.0, "hi")]
