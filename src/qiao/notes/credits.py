"""Credits for the photographs shipped with Qiao (the demo community's, `qiao.ops.demo`):
who took each, under which licence, and which registry package it came from — what
`/about/photos` and `GET /api/v1/about/photos` show.

The data is `photos.json` beside the demo package's photos (read as a file: the demo seeding
lives in `ops`, a floor above; this module only reads its published data). Each photo is
shown with the variant the seeding rendered, when this site was seeded with the demo.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy

from qiao.notes.models import NoteImage
from qiao.notes.read import media_url

PHOTOS_JSON = Path(__file__).resolve().parents[1] / "ops" / "demo" / "photos.json"

LICENCES: dict[str, tuple[Any, str]] = {
    "public-domain": (
        gettext_lazy("Public domain"),
        "https://creativecommons.org/publicdomain/mark/1.0/",
    ),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "CC-BY-2.0": ("CC BY 2.0", "https://creativecommons.org/licenses/by/2.0/"),
    "CC-BY-3.0": ("CC BY 3.0", "https://creativecommons.org/licenses/by/3.0/"),
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-3.0": ("CC BY-SA 3.0", "https://creativecommons.org/licenses/by-sa/3.0/"),
    "CC-BY-SA-4.0": ("CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "GPL-2.0-or-later": ("GPL 2.0+", "https://www.gnu.org/licenses/old-licenses/gpl-2.0.html"),
    "GPL-3.0": ("GPL 3.0", "https://www.gnu.org/licenses/gpl-3.0.html"),
    "LGPL-3.0": ("LGPL 3.0", "https://www.gnu.org/licenses/lgpl-3.0.html"),
}


@dataclass(frozen=True)
class PhotoCredit:
    id: str
    alt: str  # what is in the frame, in the reader's language
    author: str
    licence: str  # SPDX-style id, e.g. CC-BY-SA-4.0
    licence_name: str
    licence_url: str
    registry: str  # "debian" or "pypi"
    package: str
    version: str
    path: str  # the file inside the package (or its resource bundle)
    original_url: str  # where the photographer published it, when known
    thumbnail: str  # this site's smallest rendering ("" when the demo was not seeded)


@functools.cache
def _rows() -> tuple[dict[str, Any], ...]:
    try:
        return tuple(json.loads(PHOTOS_JSON.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return ()


def photo_credits(language: str) -> list[PhotoCredit]:
    """Every shipped photograph's credit, in the order of `photos.json`."""
    rows = _rows()
    thumbs: dict[str, str] = {}
    originals = [f"demo/{row['id']}.jpg" for row in rows]
    for original, variants in NoteImage.objects.filter(original__in=originals).values_list(
        "original", "variants"
    ):
        smallest = min((variants or {}).items(), key=lambda kv: int(kv[0]), default=None)
        if smallest is not None:
            thumbs[original] = smallest[1].get("jpeg", "") or smallest[1].get("webp", "")
    zh = language.lower().startswith("zh")
    out = []
    for row in rows:
        source = row.get("source", {})
        member = source.get("member", "")
        name, url = LICENCES.get(row.get("licence", ""), (row.get("licence", ""), ""))
        out.append(
            PhotoCredit(
                id=row["id"],
                alt=row["alt"]["zh" if zh else "en"],
                author=row.get("author", ""),
                licence=row.get("licence", ""),
                licence_name=str(name),
                licence_url=url,
                registry=source.get("registry", ""),
                package=source.get("package", ""),
                version=source.get("version", ""),
                path=f"{source.get('path', '')} → {member}" if member else source.get("path", ""),
                original_url=row.get("original_url", ""),
                thumbnail=media_url(thumbs.get(f"demo/{row['id']}.jpg", "")),
            )
        )
    return out
