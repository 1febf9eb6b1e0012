"""Captions: WebVTT/SRT parsing, sanitising, validation and writing.

Categories: the syntax variants a file can use (hours or not, header text, header lines,
identifiers, settings, NOTE/STYLE/REGION blocks, CRLF, BOM, SRT with commas); markup and
injection attempts (WebVTT tags, HTML and script, entities that decode to tags, bidi
overrides and control characters, "-->" and blank lines inside typed text); each error code;
limits; and round trips (parse → write → parse gives the same cues).
"""

from __future__ import annotations

import pytest

from qiao.engines.media.captions import (
    CAPTION_CODES,
    CaptionPolicy,
    CaptionRejected,
    Cue,
    build_track,
    format_timestamp,
    parse_captions,
    parse_timestamp,
    write_webvtt,
)

BASIC = """WEBVTT

00:01.000 --> 00:02.500
Hello there

intro
00:00:03.000 --> 00:00:05.000 align:start position:10%
Two
lines
"""


def test_basic_file() -> None:
    track = parse_captions(BASIC)
    assert [(c.start, c.end, c.text) for c in track.cues] == [
        (1.0, 2.5, "Hello there"),
        (3.0, 5.0, "Two\nlines"),
    ]
    assert track.cues[1].identifier == "intro"
    assert track.cues[1].settings == "align:start position:10%"


@pytest.mark.parametrize(
    "text",
    [
        "WEBVTT - a title\n\n00:01.000 --> 00:02.000\nhi\n",
        "WEBVTT\nKind: captions\nLanguage: en\n\n00:01.000 --> 00:02.000\nhi\n",
        "\ufeffWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nhi\r\n",
        "WEBVTT\n\nNOTE a comment\nwith --> arrows\n\n00:01.000 --> 00:02.000\nhi\n",
        "WEBVTT\n\nSTYLE\n::cue { background: url(x) }\n\n00:01.000 --> 00:02.000\nhi\n",
        "WEBVTT\n\nREGION\nid:r1 width:40%\n\n00:01.000 --> 00:02.000 region:r1\nhi\n",
        "1\n00:00:01,000 --> 00:00:02,000\nhi\n\n",
    ],
    ids=["title", "headers", "bom-crlf", "note", "style", "region", "srt"],
)
def test_syntax_variants(text: str) -> None:
    track = parse_captions(text.encode("utf-8"))
    assert [(c.start, c.end, c.text) for c in track.cues] == [(1.0, 2.0, "hi")]
    assert "::cue" not in track.to_webvtt() and "region:" not in track.to_webvtt()


def test_language_header_is_read() -> None:
    assert (
        parse_captions("WEBVTT\nLanguage: zh-Hans\n\n00:01.000 --> 00:02.000\n你好\n").language
        == "zh-Hans"
    )


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("<b>bold</b> and <i>it</i>", "bold and it"),
        ("<v Roger>Hi <c.yellow>there</c>", "Hi there"),
        ("<script>alert(1)</script>ok", "alert(1)ok"),
        ("&lt;img src=x onerror=alert(1)&gt;safe", "safe"),
        ("a &amp; b", "a & b"),
        ("\u202eevil\u202c text\u2066x\u2069", "evil textx"),
        ("tab\there\x07bell", "tabherebell"),
        ("e\u0301", "\u00e9"),  # NFC
        ("<00:01.500>karaoke", "karaoke"),
        ("<ruby>漢<rt>kan</rt></ruby>", "漢kan"),
    ],
)
def test_markup_is_removed(payload: str, expected: str) -> None:
    track = parse_captions(f"WEBVTT\n\n00:01.000 --> 00:02.000\n{payload}\n")
    assert track.cues[0].text == expected
    vtt = track.to_webvtt()
    assert "<" not in vtt.split("\n", 3)[-1].replace("&lt;", "")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("Just text, no header\n", "not_webvtt"),
        ("WEBVTTX\n\n00:01.000 --> 00:02.000\nhi\n", "not_webvtt"),
        ("WEBVTT\n\n00:01 --> 00:02.000\nhi\n", "bad_timestamp"),
        ("WEBVTT\n\n00:61.000 --> 00:62.000\nhi\n", "bad_timestamp"),
        ("WEBVTT\n\njust a block without timing\n", "bad_timestamp"),
        ("WEBVTT\n\n00:03.000 --> 00:02.000\nhi\n", "bad_timing"),
        ("WEBVTT\n\n00:02.000 --> 00:02.000\nhi\n", "bad_timing"),
        ("WEBVTT\n", "no_cues"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<b></b>\n", "no_cues"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n" + "x" * 501 + "\n", "cue_too_long"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\na\nb\nc\nd\ne\n", "cue_too_long"),
    ],
)
def test_errors_have_codes(text: str, code: str) -> None:
    with pytest.raises(CaptionRejected) as err:
        parse_captions(text.encode("utf-8"))
    assert err.value.code == code and err.value.code in CAPTION_CODES
    assert err.value.message


def test_binary_and_other_encodings_are_refused() -> None:
    for data in (
        b"\xff\xfeW\x00E\x00",
        "WEBVTT\n\n00:01.000 --> 00:02.000\nhé\n".encode("latin-1"),
        b"WEBVTT\n\x00\x01\x02",
    ):
        with pytest.raises(CaptionRejected) as err:
            parse_captions(data)
        assert err.value.code == "not_text"


def test_limits() -> None:
    many = "WEBVTT\n\n" + "".join(
        f"{format_timestamp(i)} --> {format_timestamp(i + 0.5)}\nc{i}\n\n" for i in range(11)
    )
    with pytest.raises(CaptionRejected) as err:
        parse_captions(many, CaptionPolicy(max_cues=10))
    assert err.value.code == "too_many_cues"
    with pytest.raises(CaptionRejected) as err:
        parse_captions(many, CaptionPolicy(max_bytes=100))
    assert err.value.code == "too_large"


def test_cues_after_the_clip_are_dropped_and_ends_clamped() -> None:
    track = parse_captions(
        "WEBVTT\n\n00:01.000 --> 00:09.000\na\n\n00:12.000 --> 00:13.000\nb\n", duration=5.0
    )
    assert [(c.start, c.end) for c in track.cues] == [(1.0, 6.0)]
    assert "dropped_after_end:1" in track.notes


def test_typed_cues_are_sanitised_and_escaped() -> None:
    cues = [
        Cue(0.5, 1.5, "Fish & chips <3"),
        Cue(2.0, 3.0, "line one\n\n\nline --> two"),
        Cue(4.0, 5.0, "   "),
    ]
    track = build_track(cues, duration=10)
    assert [c.text for c in track.cues] == ["Fish & chips <3", "line one\nline --> two"]
    vtt = write_webvtt(track.cues, "en")
    assert vtt.startswith("WEBVTT\nLanguage: en\n\n00:00:00.500 --> 00:00:01.500\n")
    assert "Fish &amp; chips &lt;3" in vtt and "line --&gt; two" in vtt
    again = parse_captions(vtt)
    assert [(c.start, c.end, c.text) for c in again.cues] == [
        (c.start, c.end, c.text) for c in track.cues
    ]


def test_round_trip_keeps_timing_and_text() -> None:
    track = parse_captions(BASIC)
    again = parse_captions(track.to_webvtt())
    assert again.cues == track.cues


def test_translation_keeps_timing() -> None:
    track = parse_captions(BASIC)
    zh = track.with_texts(["你好", "两\n行"], language="zh-Hans")
    assert [(c.start, c.end, c.text) for c in zh.cues] == [(1.0, 2.5, "你好"), (3.0, 5.0, "两\n行")]
    assert zh.to_webvtt().startswith("WEBVTT\nLanguage: zh-Hans")
    with pytest.raises(ValueError):
        track.with_texts(["one"])


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:01.000", 1.0), ("01:02:03.456", 3723.456), ("100:00:00.001", 360000.001)],
)
def test_timestamps(text: str, seconds: float) -> None:
    assert parse_timestamp(text) == pytest.approx(seconds)
    assert parse_timestamp(format_timestamp(seconds)) == pytest.approx(seconds)
