"""Cost of a hostile photo request: 9 one-colour 7000×7000 PNGs (issue 14, finding 1).

    .venv/bin/python bench/images.py [--images 9] [--side 7000] [--baseline-rev REV] [--append-md]

Each code path runs in a fresh Python process (so one's memory cannot hide the other's):

* ``current``: this checkout's ``qiao.engines.media`` — first ``estimate_request`` (headers
  only: is the request within ``ImagePolicy.max_request_pixels``?); then, to show what the
  request would cost if it were admitted, ``inspect_image`` for each upload as the request
  does and ``render_variants`` from each stored clean JPEG as the worker does;
* ``admitted``: the same for the largest request of such images the budget admits
  (``--admitted``, default 4);
* ``baseline``: the image pipeline as it was at ``--baseline-rev`` (``pipeline.py`` read from
  git), driven the same way the platform drove it (all checked images kept until the note is
  saved; variants from the fully decoded original).

For each: CPU seconds (user+system) and peak extra resident memory of the request phase and
of the variant phase, and the resident memory left after both (what a worker keeps). Extra
memory = peak RSS (sampled every 5 ms and ``ru_maxrss``) minus RSS just before the phase.
Prints one JSON line; ``--append-md`` adds a row to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: The last commit with the image pipeline as issue 14 measured it.
DEFAULT_BASELINE = "819f492"

CHILD = r"""
import gc, io, json, os, resource, sys, threading, time, importlib.util
import psutil
from PIL import Image

mode, n, side, baseline_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
proc = psutil.Process()
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
def rss():
    return proc.memory_info().rss

uploads = []
for i in range(n):
    img = Image.new("RGB", (side, side), ((37 * i) % 256, (91 * i) % 256, (151 * i) % 256))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    uploads.append(buf.getvalue())
    del img
if mode == "baseline":
    try:
        import blurhash  # noqa: F401 - the old pipeline's dependency, if still installed
    except ImportError:
        # Dropped from the dependencies; the NumPy encoder gives the same strings (tested)
        # and both cost microseconds on the 64-px thumbnail the old code hashed.
        import types
        from qiao.engines.media.blurhash import encode_image
        shim = types.ModuleType("blurhash")
        shim.encode = lambda image, x_components, y_components: encode_image(
            image, x_components, y_components)
        sys.modules["blurhash"] = shim
    spec = importlib.util.spec_from_file_location("old_pipeline", baseline_file)
    media = importlib.util.module_from_spec(spec)
    sys.modules["old_pipeline"] = media
    spec.loader.exec_module(media)
else:
    import qiao.engines.media as media
policy = media.ImagePolicy()
gc.collect()

peak = [0]
stop = threading.Event()
def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.005)

def phase(fn):
    gc.collect()
    before = rss()
    peak[0] = before
    stop.clear()
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    c0, w0 = cpu(), time.perf_counter()
    out = fn()
    c1, w1 = cpu(), time.perf_counter()
    stop.set(); t.join()
    return out, {"cpu_s": round(c1 - c0, 2), "wall_s": round(w1 - w0, 2),
                 "extra_mb": round((peak[0] - before) / 2**20, 1)}

start_rss = rss()
refused = None
if mode == "current":
    # What the platform does first: headers only, the whole request against the budget.
    def budget():
        try:
            media.estimate_request(uploads, policy)
            return None
        except media.ImageRejected as exc:
            return exc.code
    refused, check = phase(budget)
    check["refused"] = refused
def request():
    # The platform validates every photo of the note, keeps the results, then saves them.
    return [media.inspect_image(data, policy) for data in uploads]
checked, req = phase(request)
if mode == "current":
    req["budget_check"] = check
stored = [c.clean_jpeg for c in checked]
del checked
gc.collect()
def variants():
    count = 0
    for data in stored:
        if mode == "baseline":
            pil = Image.open(io.BytesIO(data)); pil.load()
            count += len(media.render_variants(pil.convert("RGB"), [320, 640, 1080], policy))
        else:
            count += len(media.render_variants(data, [320, 640, 1080], policy))
    return count
count, var = phase(variants)
gc.collect()
after = rss()
print(json.dumps({
    "request": req, "variants": var, "variant_files": count,
    "upload_bytes": sum(map(len, uploads)),
    "stored_side": max(Image.open(io.BytesIO(s)).size[0] for s in stored),
    "retained_mb": round((after - start_rss) / 2**20, 1),
    "ru_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
"""


def run(mode: str, n: int, side: int, baseline_file: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "OMP_NUM_THREADS": "1",
        "PYTHONWARNINGS": "ignore",
    }
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(n), str(side), baseline_file],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )
    if out.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=9)
    parser.add_argument("--side", type=int, default=7000)
    parser.add_argument(
        "--baseline-rev",
        default=DEFAULT_BASELINE,
        help="git revision whose engines/media/pipeline.py is the baseline",
    )
    parser.add_argument(
        "--admitted",
        type=int,
        default=4,
        help="images in the largest request the default budget admits",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--append-md", action="store_true")
    args = parser.parse_args(argv)

    result: dict[str, Any] = {
        "bench": "images",
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "images": args.images,
        "side": args.side,
        "cores": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        baseline_file = str(Path(tmp) / "old_pipeline.py")
        if not args.no_baseline:
            source = subprocess.run(
                ["git", "show", f"{args.baseline_rev}:src/qiao/engines/media/pipeline.py"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            Path(baseline_file).write_text(source, encoding="utf-8")
            result["baseline"] = run("baseline", args.images, args.side, baseline_file)
            result["baseline"]["rev"] = args.baseline_rev
        result["current"] = run("current", args.images, args.side, baseline_file)
        result["admitted"] = run("current", args.admitted, args.side, baseline_file)
        result["admitted"]["images"] = args.admitted
    print(json.dumps(result))
    if args.append_md:
        from qiao.core.benchmarking import append_row

        for name in ("baseline", "current", "admitted"):
            if name not in result:
                continue
            r = result[name]
            n = r.get("images", args.images)
            refused = r["request"].get("budget_check", {}).get("refused")
            decision = (
                f"refused ({refused}) in {r['request']['budget_check']['cpu_s']} s"
                if refused
                else ("admitted" if name != "baseline" else "no budget")
            )
            append_row(
                ROOT / "docs" / "BENCHMARKS.md",
                "Media: hostile photo request",
                f"| {result['date']} | {name} | {n}×{args.side}² PNG "
                f"({r['upload_bytes'] / 2**20:.1f} MB) | {decision} | {r['request']['cpu_s']} | "
                f"{r['request']['extra_mb']} | {r['variants']['cpu_s']} | "
                f"{r['variants']['extra_mb']} | {r['retained_mb']} | {r['stored_side']} |",
            )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
