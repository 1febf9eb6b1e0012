"""The Chinese-name helper in the product: API, page in both languages, adopting a name."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_api_suggests_standard_form_and_names(api: Any) -> None:
    r = api.post(
        "/names/suggest",
        {"given": "Emily", "surname": "Johnson", "gender": "female", "qualities": ["kind"]},
    )
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["transliteration"]["chinese"] == "埃米莉·约翰逊"
    assert 5 <= len(data["suggestions"]) <= 10
    first = data["suggestions"][0]
    assert first["pinyin"] and first["reason_en"] and first["reason_zh"]
    assert all(c["meaning_en"] for c in first["characters"])


@pytest.mark.parametrize("given", ["", "李", "x" * 200, "Emily 😀"])
def test_api_rejects_bad_names_clearly(api: Any, given: str) -> None:
    r = api.post("/names/suggest", {"given": given})
    assert r.status_code == 400
    err = r.json()["error"]
    # The schema refuses an over-long name itself; the names engine explains the rest.
    assert err["code"] in {"bad_name", "too_long"} and "given" in err["fields"]


def test_adopt_puts_name_on_profile(make_user: Any, api_as: Any) -> None:
    user = make_user()
    client = api_as(user)
    r = client.post("/me/chinese-name", {"chinese": "江美琪", "pinyin": "Jiāng Měiqí"})
    assert r.status_code == 200
    assert client.get("/me").json()["chinese_name"] == "江美琪"
    bad = client.post("/me/chinese-name", {"chinese": "杜子腾"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "unfortunate_name"
    assert client.post("/me/chinese-name", {"chinese": "Emily"}).status_code == 400


def test_page_in_english_and_chinese(client: Any, make_user: Any) -> None:
    r = client.get(
        "/names/",
        {"given": "Emily", "surname": "Johnson", "gender": "female", "qualities": "kind"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "埃米莉·约翰逊" in html and "Use as my Chinese name" in html
    r = client.get("/names/", {"given": "Emily"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert r.status_code == 200
    assert 'lang="zh-Hans"' in r.content.decode()
    bad = client.get("/names/", {"given": "😀"})
    assert bad.status_code == 400 and "Latin letters" in bad.content.decode()


def test_page_adopt_requires_login_and_redirects_to_profile(client: Any, make_user: Any) -> None:
    r = client.post("/names/adopt", {"chinese": "江美琪"})
    assert r.status_code == 302 and "/login" in r["Location"]
    user = make_user()
    client.force_login(user)
    r = client.post(
        "/names/adopt",
        {"chinese": "江美琪", "pinyin": "Jiāng Měiqí", "back": "https://evil.example/"},
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.chinese_name == "江美琪"
    r = client.post("/names/adopt", {"chinese": "范统", "back": "https://evil.example/"})
    assert r["Location"] == "/names/"
