"""factory_boy factories and helpers for building realistic test data."""

from __future__ import annotations

import io
import itertools
import random
from typing import Any

import factory
from django.contrib.auth.hashers import make_password
from PIL import Image, ImageDraw

from qiao.accounts.models import User

TEST_PASSWORD = "correct horse battery 9"
_HASH: list[str] = []


def _password_hash() -> str:
    # Argon2 is deliberately slow; hash the shared test password once per run.
    if not _HASH:
        _HASH.append(make_password(TEST_PASSWORD))
    return _HASH[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.LazyFunction(_password_hash)
    display_name = factory.Faker("first_name")
    read_languages = factory.LazyFunction(lambda: ["en"])
    onboarded = True


def image_bytes(
    w: int = 800, h: int = 600, fmt: str = "JPEG", seed: int = 0, exif: Any = None
) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGB", (w, h), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(5):
        x, y = rng.randrange(w), rng.randrange(h)
        draw.ellipse(
            [x - 40, y - 40, x + 40, y + 40],
            fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)),
        )
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {"exif": exif} if exif is not None else {}
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


_PICTURES = itertools.count(1000)


def make_note(author: User, *, n_images: int = 1, **kw: Any) -> Any:
    """A published note; each note gets pictures of its own (feeds show only one of notes
    with the same photo on a page, as they would two posts of one picture)."""
    from qiao.notes.services import ImageInput, create_note

    kw.setdefault("title", "A note")
    kw.setdefault("body", "Hello #cats")
    first = next(_PICTURES) * 10
    images = [ImageInput(data=image_bytes(seed=first + i)) for i in range(n_images)]
    return create_note(author, images=images, **kw)
