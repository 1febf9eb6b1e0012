"""A new note's first readers never download the full-size original: the smallest variant
is made with the upload, the other widths by the worker afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qiao.notes.media import make_variants
from qiao.notes.models import NoteImage
from qiao.notes.services import ImageInput, create_note
from qiao.notes.tasks import repair_image_variants

pytestmark = pytest.mark.django_db


def test_the_first_viewer_gets_a_variant_before_the_worker_ran(
    client: Client, make_user: Any, image_bytes: Any, settings: Any
) -> None:
    settings.QIAO_REPAIR_AFTER = 0
    # No run_tasks: the worker has not run (a test's transaction never commits).
    note = create_note(
        make_user(),
        title="Fresh",
        body="just posted",
        images=[ImageInput(data=image_bytes(2400, 1600, seed=3))],
    )
    image = NoteImage.objects.get(note=note)
    assert set(image.variants) == {"320"}
    html = client.get(f"/notes/{note.pk}").content.decode()
    assert image.variants["320"]["jpeg"] in html
    assert image.original not in html  # not as src, not in a srcset
    # the periodic repair sees the other widths missing; the worker fills them in and keeps
    # the first one's files (a reader may be loading them)
    assert repair_image_variants() == 1
    first = dict(image.variants["320"])
    assert make_variants(image.pk)
    image.refresh_from_db()
    assert set(image.variants) == {"320", "640", "1080"} and image.variants["320"] == first
    assert repair_image_variants() == 0
