"""Video engine benchmark: CPU per minute of 1080p input for each rendition, peak memory per
FFmpeg run, end-to-end time for a 30-second clip, and the hostile-input suite.

    .venv/bin/python bench/video.py [--seconds 30] [--preset veryfast] [--compare-cli]
                                    [--append-md]

The input is made here (``qiao.engines.media.video.synth``): 1920×1080, 30 fps H.264
High at constant QP 20 with moving, frame-varying noise — about phone bitrate (the JSON says
what it came out at) — and a 440 Hz AAC tone. Measured through the engine's public calls,
each FFmpeg run in its sandboxed child: CPU = the child's user+system time (all threads),
memory = its peak RSS. Rows:

* ``360p``/``720p``/``1080p``: a transcode producing only that rendition (decode + scale +
  encode + poster); ``all``: the default three in one pass (decoded once);
* ``e2e``: probe + transcode of all renditions + poster through the image pipeline, wall
  time on this machine (2 cores, shared);
* ``bad inputs``: each file of the hostile-input suite through ``probe``: code and wall time.

``--compare-cli`` also times Debian's ``ffmpeg`` command (if installed) doing the same three
renditions in one process (``split`` + ``scale``), to compare the binding with the CLI.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _cli_compare(src: Path, out: Path, preset: str) -> dict[str, Any] | None:
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    args = [ffmpeg, "-v", "error", "-y", "-i", str(src), "-filter_complex",
            "[0:v]split=3[a][b][c];[a]scale=-2:360:flags=area[o1];"
            "[b]scale=-2:720:flags=area[o2];[c]scale=-2:1080:flags=area[o3]"]
    for label, crf, rate in (("o1", 26, 900), ("o2", 23, 3000), ("o3", 23, 6000)):
        args += ["-map", f"[{label}]", "-map", "0:a?", "-c:v", "libx264", "-preset", preset,
                 "-crf", str(crf), "-maxrate", f"{rate}k", "-bufsize", f"{2 * rate}k",
                 "-c:a", "aac", "-b:a", "128k", "-map_metadata", "-1",
                 "-movflags", "+faststart", str(out / f"cli-{label}.mp4")]
    subprocess.run(args, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                           1),
            "wall_s": round(time.monotonic() - start, 1),
            "peak_rss_mb": round(after.ru_maxrss / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--qp", type=int, default=20, help="QP of the synthetic input")
    parser.add_argument("--compare-cli", action="store_true")
    parser.add_argument("--skip-single", action="store_true",
                        help="only the all-renditions pass (faster)")
    parser.add_argument("--append-md", action="store_true")
    args = parser.parse_args(argv)

    from qiao.engines.media.video import (
        DEFAULT_RENDITIONS,
        VideoPolicy,
        VideoRejected,
        probe,
        probe_with_usage,
        transcode,
    )
    from qiao.engines.media.video.synth import bad_inputs, make_clip

    result: dict[str, Any] = {"bench": "video", "date": dt.datetime.now(dt.UTC).date()
                              .isoformat(), "cores": os.cpu_count(), "preset": args.preset,
                              "seconds": args.seconds}
    with tempfile.TemporaryDirectory(prefix="qiao-bench-video-") as tmp:
        work = Path(tmp)
        t0 = time.monotonic()
        src = make_clip(work / "input.mp4", width=1920, height=1080, fps=30,
                        seconds=args.seconds,
                        codec_options={"preset": "veryfast", "qp": str(args.qp)})
        size = src.stat().st_size
        result["input"] = {"width": 1920, "height": 1080, "fps": 30, "codec": "h264",
                           "mbps": round(size * 8 / args.seconds / 1e6, 1),
                           "build_s": round(time.monotonic() - t0, 1)}
        base = VideoPolicy(preset=args.preset)

        start = time.monotonic()
        info = probe(src, base)
        probe_wall = time.monotonic() - start
        _info, probe_usage = probe_with_usage(src, base)
        result["probe"] = {"wall_s": round(probe_wall, 2), "cpu_s": probe_usage.cpu_seconds,
                           "peak_rss_mb": probe_usage.peak_rss_mb}

        runs: list[tuple[str, tuple[Any, ...]]] = [("all", DEFAULT_RENDITIONS)]
        if not args.skip_single:
            runs += [(r.label, (r,)) for r in DEFAULT_RENDITIONS]
        result["transcode"] = {}
        for name, renditions in runs:
            policy = dataclasses.replace(base, renditions=renditions)
            out = work / f"out-{name}"
            started = time.monotonic()
            res = transcode(src, out, policy, info=info)
            wall = time.monotonic() - started
            result["transcode"][name] = {
                "cpu_s": res.cpu_seconds,
                "cpu_s_per_min": round(res.cpu_seconds / res.duration * 60, 1),
                "wall_s": round(wall, 1),
                "peak_rss_mb": res.peak_rss_mb,
                "outputs": {r.label: {"kbps": r.bitrate_kbps, "size": [r.width, r.height]}
                            for r in res.renditions},
            }
            shutil.rmtree(out)
        started = time.monotonic()
        info2 = probe(src, base)
        res = transcode(src, work / "e2e", base, info=info2)
        result["e2e"] = {"wall_s": round(time.monotonic() - started, 1),
                         "cpu_s": round(res.cpu_seconds + probe_usage.cpu_seconds, 1),
                         "renditions": [r.label for r in res.renditions],
                         "poster_blurhash": res.poster.blurhash}
        if args.compare_cli:
            result["cli"] = _cli_compare(src, work, args.preset)
        src.unlink()

        suite = bad_inputs(work / "bad")
        bad: dict[str, Any] = {}
        for name, (path, want) in sorted(suite.items()):
            started = time.monotonic()
            try:
                probe(path)
                got = "accepted"
            except VideoRejected as exc:
                got = exc.code
            bad[name] = {"want": want, "got": got,
                         "s": round(time.monotonic() - started, 3)}
        result["bad_inputs"] = bad
        result["bad_inputs_ok"] = all(v["want"] == v["got"] for v in bad.values())
        result["bad_inputs_max_s"] = max(v["s"] for v in bad.values())
    print(json.dumps(result))
    if args.append_md:
        _append(result)
    return 0


def _append(result: dict[str, Any]) -> None:
    from qiao.core.benchmarking import append_row

    path = ROOT / "docs" / "BENCHMARKS.md"
    heading = "Media: video transcoding (bench/video.py)"
    tr = result["transcode"]
    per = " / ".join(f"{tr[k]['cpu_s_per_min']}" if k in tr else "–"
                     for k in ("360p", "720p", "1080p", "all"))
    rss = max(v["peak_rss_mb"] for v in tr.values())
    cli = result.get("cli")
    cli_text = f"{cli['cpu_s'] / result['seconds'] * 60:.1f}" if cli else "–"
    append_row(path, heading,
               f"| {result['date']} | {result['cores']} | {result['preset']} | "
               f"{result['input']['mbps']} Mbps | {per} | {rss} | "
               f"{result['probe']['peak_rss_mb']} | {result['seconds']:g} s clip: "
               f"{result['e2e']['wall_s']} s wall, {result['e2e']['cpu_s']} s CPU | "
               f"{cli_text} |")
    bad = result["bad_inputs"]
    append_row(path, heading,
               f"| {result['date']} | bad inputs | "
               f"{sum(v['want'] == v['got'] for v in bad.values())}/{len(bad)} refused with "
               f"the right code | slowest {result['bad_inputs_max_s']} s | | | | | |")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
