"""The member's language mix: stored and validated (API, settings, the control above the
feed, onboarding) and honoured by For you.

Test set: one reader of English only, 40 English notes that out-rank 40 Chinese ones, so
without a setting the first page is all English (cold start ranks by engagement) and each
step's share of Chinese is exact; values inside, on and outside the allowed range, and the
wrong JSON types.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qiao.accounts.models import User
from qiao.notes.models import Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_languages(make_user: Any, settings: Any, tmp_path: Any) -> User:
    from qiao.feed import adapter

    settings.QIAO_MODELS_DIR = tmp_path / "models"
    adapter.forget_model()
    authors = [make_user() for _ in range(8)]
    now = timezone.now()
    for i in range(80):
        zh = i % 2 == 1
        Note.objects.create(
            author=authors[i % 8],
            title=(f"笔记 {i}" if zh else f"note {i}"),
            body=(f"第 {i} 篇" if zh else f"number {i}"),
            language="zh" if zh else "en",
            like_count=(10 if zh else 100) + i,
            published_at=now - timedelta(hours=i),
        )
    return make_user(read_languages=["en"], interests=[])


def _zh_share(client: Any) -> float:
    items = client.get("/feed/for-you").json()["items"]
    assert len(items) == 20
    return sum(i["language"] == "zh" for i in items) / len(items)


def test_each_step_sets_the_share_of_the_first_page(two_languages: User, api_as: Any) -> None:
    client = api_as(two_languages)
    assert _zh_share(client) == 0.0  # site default: a reader of English only
    for mix, zh in ((0.9, 0.10), (0.7, 0.30), (0.5, 0.50)):
        assert client.patch("/me", {"language_mix": mix}).status_code == 200
        assert client.get("/me").json()["language_mix"] == mix
        assert _zh_share(client) == pytest.approx(zh)
    assert client.patch("/me", {"language_mix": None}).json()["language_mix"] is None
    assert _zh_share(client) == 0.0


@pytest.mark.parametrize("bad", [0.49, 0.0, 1.01, -1, "0.7", True, "half"])
def test_patch_me_refuses_a_mix_outside_the_steps_range(
    user: User, api_as: Any, bad: object
) -> None:
    r = api_as(user).patch("/me", {"language_mix": bad})
    assert r.status_code in (400, 422)
    user.refresh_from_db()
    assert user.language_mix is None


def test_service_validates_and_rounds(user: User) -> None:
    from qiao.accounts.services import update_profile
    from qiao.core.errors import Invalid

    assert update_profile(user, language_mix=0.666).language_mix == 0.67
    assert update_profile(user, language_mix="0.5").language_mix == 0.5  # a form's value
    for bad in (0.4, float("nan"), "x", [0.7], True):
        with pytest.raises(Invalid) as err:
            update_profile(user, language_mix=bad)
        assert "language_mix" in err.value.fields
    assert update_profile(user, language_mix=None).language_mix is None


def test_signed_out_visitors_get_the_site_default(two_languages: User, api: Any) -> None:
    items = api.get("/feed/for-you").json()["items"]
    assert items and all(i["language"] == "en" for i in items)


def test_settings_show_and_store_the_choice(two_languages: User, client: Any) -> None:
    user = two_languages
    user.onboarded = True
    user.save()
    client.force_login(user)
    page = client.get(reverse("web:settings")).content.decode()
    assert 'name="language_mix" value="" aria-describedby="mix-hint" checked' in page
    r = client.post(
        reverse("web:settings_preferences"),
        {"ui_language": "en", "read_languages": ["en"], "language_mix": "0.7"},
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.language_mix == 0.7
    page = client.get(reverse("web:settings")).content.decode()
    assert 'value="0.7" aria-describedby="mix-hint" checked' in page


def test_the_control_above_the_feed_reloads_it_in_the_new_mix(
    two_languages: User, client: Any
) -> None:
    user = two_languages
    user.onboarded = True
    user.save()
    client.force_login(user)
    home = client.get(reverse("web:home")).content.decode()
    assert 'id="mix-select"' in home and home.count("笔记 ") == 0
    r = client.post(
        reverse("web:feed_language_mix"), {"language_mix": "0.5"}, HTTP_HX_REQUEST="true"
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert body.startswith('<div id="feed-area">') or 'id="feed-area"' in body[:200]
    assert '<option value="0.5" selected>' in body
    assert body.count("data-card") == 20 and body.count("笔记 ") == 10
    user.refresh_from_db()
    assert user.language_mix == 0.5
    bad = client.post(
        reverse("web:feed_language_mix"), {"language_mix": "0.2"}, HTTP_HX_REQUEST="true"
    )
    assert bad.status_code == 400 and 'role="alert"' in bad.content.decode()
    # without htmx: back to the feed
    assert client.post(reverse("web:feed_language_mix"), {"language_mix": ""}).status_code == 302
    user.refresh_from_db()
    assert user.language_mix is None


def test_onboarding_explains_and_stores_the_mix(make_user: Any, client: Any) -> None:
    user = make_user(onboarded=False)
    client.force_login(user)
    page = client.get(reverse("web:welcome")).content.decode()
    assert "How much of For you should be in your first language?" in page
    r = client.post(
        reverse("web:welcome"),
        {
            "ui_language": "en",
            "read_languages": ["en", "zh"],
            "interests": ["food", "travel", "cats"],
            "language_mix": "0.9",
        },
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.language_mix == 0.9 and user.onboarded
