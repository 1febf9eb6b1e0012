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

``--e2e embedded,production`` measures upload-to-playable on the platform instead: a real
``qiao serve`` (gunicorn) in a throwaway ``QIAO_HOME`` — the embedded profile (SQLite, local
media, the in-process worker) and/or the production profile (PostgreSQL, Redis, a ``qiao
worker`` taking the video queue, S3; the services of ``scripts/services.sh``, found through
the ``QIAO_TEST_*`` variables it prints) — and, ``--runs`` times, a 30-s clip sent through
the resumable upload API in 2-MB chunks over loopback, the note created, and the clock
stopped when the note's first rendition answers a range request with 206. Times: upload
(chunks, then the last chunk's content check), processing (note → published with its clip
ready) and total.
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
    args = [
        ffmpeg,
        "-v",
        "error",
        "-y",
        "-i",
        str(src),
        "-filter_complex",
        "[0:v]split=3[a][b][c];[a]scale=-2:360:flags=area[o1];"
        "[b]scale=-2:720:flags=area[o2];[c]scale=-2:1080:flags=area[o3]",
    ]
    for label, crf, rate in (("o1", 26, 900), ("o2", 23, 3000), ("o3", 23, 6000)):
        args += [
            "-map",
            f"[{label}]",
            "-map",
            "0:a?",
            "-c:v",
            "libx264",
            "-preset",
            preset,
            "-crf",
            str(crf),
            "-maxrate",
            f"{rate}k",
            "-bufsize",
            f"{2 * rate}k",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-map_metadata",
            "-1",
            "-movflags",
            "+faststart",
            str(out / f"cli-{label}.mp4"),
        ]
    subprocess.run(args, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
        "wall_s": round(time.monotonic() - start, 1),
        "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
    }


class _Site:
    """A `qiao serve` (and for production a `qiao worker`) in a throwaway home, driven over
    HTTP on 127.0.0.1."""

    def __init__(self, profile: str, home: Path) -> None:
        import socket
        import uuid

        self.profile, self.home = profile, home
        self.procs: list[subprocess.Popen[bytes]] = []
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        keep = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(
                ("QIAO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "S3_", "MEDIA_STORAGE", "DJANGO_")
            )
        }
        self.env = {
            **keep,
            "QIAO_HOME": str(home),
            "QIAO_SECRET_KEY": uuid.uuid4().hex,
            "QIAO_RATE_LIMITS_ENABLED": "0",
            "QIAO_TRANSLATE_AUTO_INSTALL": "0",
            "QIAO_TRANSCRIBE_ENGINE": "off",
            "QIAO_LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT / "src"),
        }
        self.cleanup: list[Any] = []
        if profile == "production":
            self._production(uuid.uuid4().hex[:8])

    def _production(self, tag: str) -> None:
        import boto3
        import psycopg

        need = ("QIAO_TEST_PG_URL", "QIAO_TEST_REDIS_URL", "QIAO_TEST_S3_ENDPOINT_URL")
        missing = [n for n in need if not os.environ.get(n)]
        if missing:
            raise SystemExit(
                "production profile: start the services first "
                '(eval "$(scripts/services.sh all)"); unset: ' + ", ".join(missing)
            )
        admin_url = os.environ["QIAO_TEST_PG_URL"]
        db = f"qiao_bench_{tag}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db}"')
        self.cleanup.append(("db", admin_url, db))
        redis = os.environ["QIAO_TEST_REDIS_URL"].rsplit("/", 1)[0]
        bucket = f"qiao-bench-{tag}"
        self.env.update(
            {
                "DATABASE_URL": admin_url.rsplit("/", 1)[0] + "/" + db,
                "REDIS_URL": f"{redis}/3",
                "CELERY_BROKER_URL": f"{redis}/4",
                "MEDIA_STORAGE": "s3",
                "S3_ENDPOINT_URL": os.environ["QIAO_TEST_S3_ENDPOINT_URL"],
                "S3_ACCESS_KEY_ID": os.environ.get("QIAO_TEST_S3_ACCESS_KEY_ID", ""),
                "S3_SECRET_ACCESS_KEY": os.environ.get("QIAO_TEST_S3_SECRET_ACCESS_KEY", ""),
                "S3_BUCKET": bucket,
            }
        )
        s3 = boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id=self.env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["S3_SECRET_ACCESS_KEY"],
        )
        for attempt in range(60):
            try:
                s3.create_bucket(Bucket=bucket)
                break
            except Exception:  # a just-started SeaweedFS needs a moment
                if attempt == 59:
                    raise
                time.sleep(0.5)
        self.cleanup.append(("bucket", s3, bucket))

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        fh = open(self.home / log, "ab")  # noqa: SIM115 - open for the child's lifetime
        proc = subprocess.Popen(
            [sys.executable, "-m", "qiao", *args],
            cwd=self.home,
            env=self.env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def start(self) -> None:
        import urllib.request

        self._spawn(
            [
                "serve",
                "--no-seed",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "2",
                "--threads",
                "4",
                "--timeout",
                "120",
            ],
            "web.log",
        )
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/healthz", timeout=2
                ) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError((self.home / "web.log").read_text()[-3000:])
            time.sleep(0.3)
        if self.profile == "production":
            self._spawn(["worker", "--concurrency", "1", "--loglevel", "INFO"], "worker.log")
            deadline = time.monotonic() + 120
            while b" ready." not in (self.home / "worker.log").read_bytes():
                if time.monotonic() > deadline:
                    raise RuntimeError((self.home / "worker.log").read_text()[-3000:])
                time.sleep(0.3)

    def stop(self) -> None:
        import signal

        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        for kind, *rest in self.cleanup:
            try:
                if kind == "db":
                    import psycopg

                    with psycopg.connect(rest[0], autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{rest[1]}" WITH (FORCE)')
                else:
                    s3, bucket = rest
                    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                        for obj in page.get("Contents", []):
                            s3.delete_object(Bucket=bucket, Key=obj["Key"])
                    s3.delete_bucket(Bucket=bucket)
            except Exception as exc:  # noqa: BLE001 - clean-up only
                print(f"clean-up of {kind} failed: {exc}", file=sys.stderr)

    # --- HTTP ----------------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def api(self, method: str, path: str, data: Any = None, token: str = "") -> Any:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        status, _h, body = self.call(
            method,
            "/api/v1" + path,
            json.dumps(data).encode() if data is not None else None,
            headers,
        )
        return status, json.loads(body or b"null")


def _fetch_range(url: str, site: _Site) -> int:
    """The status of a range request for the first 64 KB of a media URL (the site's own for
    local media, the bucket's for S3)."""
    import http.client
    from urllib.parse import urlsplit

    if url.startswith("/"):
        status, _h, _b = site.call("GET", url, headers={"Range": "bytes=0-65535"})
        return status
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"not a loopback S3 URL: {url}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
    try:
        conn.request("GET", parts.path, headers={"Range": "bytes=0-65535"})
        resp = conn.getresponse()
        resp.read()
        return int(resp.status)
    finally:
        conn.close()


def _upload_to_playable(site: _Site, token: str, data: bytes, chunk: int) -> dict[str, Any]:
    import uuid

    t0 = time.monotonic()
    status, upload = site.api(
        "POST", "/uploads", {"size": len(data), "filename": "clip.mp4"}, token
    )
    assert status == 201, upload
    offset = 0
    last_started = t0
    while offset < len(data):
        last_started = time.monotonic()
        code, _h, body = site.call(
            "PATCH",
            f"/api/v1/uploads/{upload['id']}",
            data[offset : offset + chunk],
            {
                "Authorization": f"Bearer {token}",
                "Upload-Offset": str(offset),
                "Content-Type": "application/offset+octet-stream",
            },
        )
        assert code == 200, body
        upload = json.loads(body)
        offset = upload["offset"]
    uploaded = time.monotonic()
    boundary = uuid.uuid4().hex
    form = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nbench\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="video_upload"\r\n\r\n'
        f"{upload['id']}\r\n--{boundary}--\r\n"
    ).encode()
    code, _h, body = site.call(
        "POST",
        "/api/v1/notes",
        form,
        {
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    assert code == 201, body
    note = json.loads(body)
    while True:
        status, note = site.api("GET", f"/notes/{note['id']}", token=token)
        video = note["video"]
        if video["state"] == "failed":
            raise RuntimeError(f"the clip failed: {video}")
        if note["status"] == "published" and video["state"] == "ready":
            break
        time.sleep(0.2)
    published = time.monotonic()
    assert _fetch_range(video["renditions"][0]["url"], site) == 206
    done = time.monotonic()
    return {
        "upload_s": round(last_started - t0, 2),
        "last_chunk_and_check_s": round(uploaded - last_started, 2),
        "processing_s": round(published - uploaded, 1),
        "total_s": round(done - t0, 1),
        "renditions": [r["label"] for r in video["renditions"]],
    }


def run_e2e(profiles: list[str], src: Path, runs: int, chunk: int) -> dict[str, Any]:
    data = src.read_bytes()
    out: dict[str, Any] = {}
    for profile in profiles:
        with tempfile.TemporaryDirectory(prefix=f"qiao-bench-e2e-{profile}-") as tmp:
            site = _Site(profile, Path(tmp))
            try:
                site.start()
                status, body = site.api(
                    "POST",
                    "/auth/signup",
                    {
                        "username": "bencher",
                        "email": "b@example.org",
                        "password": "a-long-bench-passphrase-9",
                    },
                )
                assert status == 201, body
                token = body["token"]
                results = [_upload_to_playable(site, token, data, chunk) for _ in range(runs)]
            finally:
                site.stop()
        totals = sorted(r["total_s"] for r in results)
        out[profile] = {
            "runs": results,
            "total_median_s": totals[len(totals) // 2],
            "total_min_s": totals[0],
            "total_max_s": totals[-1],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--e2e",
        default="",
        help="comma-separated profiles (embedded, production): measure "
        "upload-to-playable on the platform instead of the engine",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk-mb", type=float, default=2.0)
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--qp", type=int, default=20, help="QP of the synthetic input")
    parser.add_argument("--compare-cli", action="store_true")
    parser.add_argument(
        "--skip-single", action="store_true", help="only the all-renditions pass (faster)"
    )
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

    result: dict[str, Any] = {
        "bench": "video",
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "cores": os.cpu_count(),
        "preset": args.preset,
        "seconds": args.seconds,
    }
    if args.e2e:
        with tempfile.TemporaryDirectory(prefix="qiao-bench-video-") as tmp:
            src = make_clip(
                Path(tmp) / "input.mp4",
                width=1920,
                height=1080,
                fps=30,
                seconds=args.seconds,
                codec_options={"preset": "veryfast", "qp": str(args.qp)},
            )
            size = src.stat().st_size
            result["input"] = {
                "width": 1920,
                "height": 1080,
                "fps": 30,
                "codec": "h264",
                "mb": round(size / 2**20, 1),
                "mbps": round(size * 8 / args.seconds / 1e6, 1),
            }
            result["e2e_platform"] = run_e2e(
                [p.strip() for p in args.e2e.split(",")], src, args.runs, int(args.chunk_mb * 2**20)
            )
            result["load_average"] = [round(x, 1) for x in os.getloadavg()]
        print(json.dumps(result))
        if args.append_md:
            _append_e2e(result)
        return 0
    with tempfile.TemporaryDirectory(prefix="qiao-bench-video-") as tmp:
        work = Path(tmp)
        t0 = time.monotonic()
        src = make_clip(
            work / "input.mp4",
            width=1920,
            height=1080,
            fps=30,
            seconds=args.seconds,
            codec_options={"preset": "veryfast", "qp": str(args.qp)},
        )
        size = src.stat().st_size
        result["input"] = {
            "width": 1920,
            "height": 1080,
            "fps": 30,
            "codec": "h264",
            "mbps": round(size * 8 / args.seconds / 1e6, 1),
            "build_s": round(time.monotonic() - t0, 1),
        }
        base = VideoPolicy(preset=args.preset)

        start = time.monotonic()
        info = probe(src, base)
        probe_wall = time.monotonic() - start
        _info, probe_usage = probe_with_usage(src, base)
        result["probe"] = {
            "wall_s": round(probe_wall, 2),
            "cpu_s": probe_usage.cpu_seconds,
            "peak_rss_mb": probe_usage.peak_rss_mb,
        }

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
                "outputs": {
                    r.label: {"kbps": r.bitrate_kbps, "size": [r.width, r.height]}
                    for r in res.renditions
                },
            }
            shutil.rmtree(out)
        started = time.monotonic()
        info2 = probe(src, base)
        res = transcode(src, work / "e2e", base, info=info2)
        result["e2e"] = {
            "wall_s": round(time.monotonic() - started, 1),
            "cpu_s": round(res.cpu_seconds + probe_usage.cpu_seconds, 1),
            "renditions": [r.label for r in res.renditions],
            "poster_blurhash": res.poster.blurhash,
        }
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
            bad[name] = {"want": want, "got": got, "s": round(time.monotonic() - started, 3)}
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
    per = " / ".join(
        f"{tr[k]['cpu_s_per_min']}" if k in tr else "–" for k in ("360p", "720p", "1080p", "all")
    )
    rss = max(v["peak_rss_mb"] for v in tr.values())
    cli = result.get("cli")
    cli_text = f"{cli['cpu_s'] / result['seconds'] * 60:.1f}" if cli else "–"
    append_row(
        path,
        heading,
        f"| {result['date']} | {result['cores']} | {result['preset']} | "
        f"{result['input']['mbps']} Mbps | {per} | {rss} | "
        f"{result['probe']['peak_rss_mb']} | {result['seconds']:g} s clip: "
        f"{result['e2e']['wall_s']} s wall, {result['e2e']['cpu_s']} s CPU | "
        f"{cli_text} |",
    )
    bad = result["bad_inputs"]
    append_row(
        path,
        heading,
        f"| {result['date']} | bad inputs | "
        f"{sum(v['want'] == v['got'] for v in bad.values())}/{len(bad)} refused with "
        f"the right code | slowest {result['bad_inputs_max_s']} s | | | | | |",
    )


def _append_e2e(result: dict[str, Any]) -> None:
    from qiao.ops.benchmarking import append_row

    path = ROOT / "docs" / "BENCHMARKS.md"
    heading = "Media: video notes, upload to playable (bench/video.py --e2e)"
    for profile, data in result["e2e_platform"].items():
        runs = data["runs"]
        processing = sorted(r["processing_s"] for r in runs)
        upload = sorted(r["upload_s"] + r["last_chunk_and_check_s"] for r in runs)
        append_row(
            path,
            heading,
            f"| {result['date']} | {profile} | {result['cores']} | "
            f"{result['seconds']:g} s 1080p30, {result['input']['mb']} MB | {len(runs)} | "
            f"{upload[len(upload) // 2]:.1f} ({upload[0]:.1f}–{upload[-1]:.1f}) | "
            f"{processing[len(processing) // 2]:.1f} ({processing[0]:.1f}–"
            f"{processing[-1]:.1f}) | {data['total_median_s']} "
            f"({data['total_min_s']}–{data['total_max_s']}) | "
            f"{' '.join(runs[0]['renditions'])} | "
            f"{' / '.join(str(x) for x in result['load_average'])} |",
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
