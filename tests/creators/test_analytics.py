"""Creator analytics: exact numbers on a hand-built event log, permissions, the page, and a
query-count bound.

The log (all times relative to now; days=7 unless said):

    reader  reads      ui       event                       note   cross?  version then?
    u1      en         en       impression, open, dwell 30, like   zh     yes     en (machine, -10d)
    u1                          unlike (zh), hide (en)
    u2      zh         zh-hans  impression                  zh     no
    u2                          impression, collect (-3d)   en     yes     zh only from -1d: no
    u2                          follow (no note)
    u3      en+zh      en       impression en, impression zh, comment zh, dwell 10    no
    u4      (none)     zh-hans  impression (-12h)           en     yes (ui fallback) yes
    u5      zh         ""       impression, share (-6h)     en     yes     yes
    anon                        impression                  en
    u2                          impression (-40 days)       zh     outside 7 and 28 days
    u1                          impression on another author's note (never counted)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from qiao.accounts.models import Follow
from qiao.creators import services
from qiao.events.models import EngagementEvent
from qiao.notes.models import Note
from qiao.translation.models import NoteVersion

pytestmark = pytest.mark.django_db


def _note(author: Any, language: str | None, title: str, **kw: Any) -> Note:
    now = timezone.now()
    return Note.objects.create(
        author=author, title=title, language=language, published_at=now - timedelta(days=30), **kw
    )


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    now = timezone.now()

    def ago(**kw: float) -> datetime:
        return now - timedelta(**kw)

    author = make_user(username="creator", read_languages=["en"], ui_language="en")
    other = make_user(username="someone", read_languages=["en"])
    u1 = make_user(username="u1", read_languages=["en"], ui_language="en")
    u2 = make_user(username="u2", read_languages=["zh"], ui_language="zh-hans")
    u3 = make_user(username="u3", read_languages=["en", "zh"], ui_language="en")
    u4 = make_user(username="u4", read_languages=[], ui_language="zh-hans")
    u5 = make_user(username="u5", read_languages=["zh"], ui_language="")
    n_zh = _note(author, "zh", "上海的早餐")
    n_en = _note(author, "en", "Breakfast in Shanghai")
    n_other = _note(other, "zh", "别人的笔记")
    NoteVersion.objects.create(
        note=n_zh, language="en", title="Breakfast", is_machine=True, created_at=ago(days=10)
    )
    NoteVersion.objects.create(
        note=n_en,
        language="zh",
        title="上海早餐",
        is_machine=False,
        created_at=ago(days=1, hours=1),
    )
    log = [
        (u1, n_zh, "impression", 0, ago(days=2)),
        (u1, n_zh, "open", 0, ago(days=2)),
        (u1, n_zh, "dwell", 30, ago(days=2)),
        (u1, n_zh, "like", 0, ago(days=2)),
        (u1, n_zh, "unlike", 0, ago(days=1)),
        (u1, n_en, "hide", 0, ago(days=1)),
        (u2, n_zh, "impression", 0, ago(days=1)),
        (u2, n_en, "impression", 0, ago(days=3)),
        (u2, n_en, "collect", 0, ago(days=3)),
        (u2, None, "follow", 0, ago(days=1)),
        (u3, n_en, "impression", 0, ago(days=1)),
        (u3, n_zh, "impression", 0, ago(days=1)),
        (u3, n_zh, "comment", 0, ago(days=1)),
        (u3, n_zh, "dwell", 10, ago(days=1)),
        (u4, n_en, "impression", 0, ago(hours=12)),
        (u5, n_en, "impression", 0, ago(hours=6)),
        (u5, n_en, "share", 0, ago(hours=6)),
        (None, n_en, "impression", 0, ago(days=1)),
        (u2, n_zh, "impression", 0, ago(days=40)),
        (u1, n_other, "impression", 0, ago(days=1)),
    ]
    EngagementEvent.objects.bulk_create(
        [
            EngagementEvent(
                user_id=u.pk if u else None,
                note_id=n.pk if n else None,
                author_id=(n.author_id if n else author.pk),
                kind=k,
                value=v,
                created_at=at,
            )
            for u, n, k, v, at in log
        ]
    )
    Follow.objects.create(follower=u2, followee=author, status="accepted", created_at=ago(days=1))
    Follow.objects.create(follower=u3, followee=author, status="accepted", created_at=ago(days=20))
    Follow.objects.create(follower=u1, followee=author, status="pending", created_at=ago(days=1))
    return {
        "author": author,
        "other": other,
        "n_zh": n_zh,
        "n_en": n_en,
        "n_other": n_other,
        "log": log,
        "u": [u1, u2, u3, u4, u5],
    }


def _by(rows: list[dict[str, Any]], key: str) -> dict[Any, tuple[int, float | None]]:
    return {
        (tuple(r[key]) if isinstance(r[key], list) else r[key]): (r["users"], r["share"])
        for r in rows
    }


def test_summary_numbers_are_exact(world: dict[str, Any]) -> None:
    data = services.account_analytics(world["author"], days=7)
    s = data["summary"]
    assert (s["impressions"], s["opens"], s["viewers"]) == (8, 1, 5)
    assert (s["likes"], s["unlikes"], s["collects"], s["comments"], s["shares"]) == (1, 1, 1, 1, 1)
    assert (s["follows"], s["hides"], s["engagements"], s["engagers"]) == (1, 1, 4, 4)
    assert s["open_rate"] == 0.125
    assert s["engagement_rate"] == 0.5
    assert (s["dwells"], s["avg_dwell_seconds"]) == (2, 20.0)


def test_cross_language_reach_is_exact(world: dict[str, Any]) -> None:
    c = services.account_analytics(world["author"], days=7)["cross_language"]
    # u1 (en reader, zh note), u2 (zh reader, en note), u4 (ui zh-hans), u5 (zh reader).
    assert (c["viewers"], c["cross_viewers"], c["cross_viewer_share"]) == (5, 4, 0.8)
    # u2 saw the English note before the author's Chinese version existed.
    assert (c["translated"], c["translated_share"]) == (3, 0.75)
    # u1 liked the zh note, u2 collected the en note, u5 shared it; u3 reads both.
    assert (c["engagers"], c["cross_engagers"], c["cross_engager_share"]) == (4, 3, 0.75)


def test_audience_language_mix_is_exact(world: dict[str, Any]) -> None:
    a = services.account_analytics(world["author"], days=7)["audience"]
    engaged = a["engaged"]  # u1, u2, u3, u5
    assert engaged["users"] == 4
    assert _by(engaged["read_languages"], "language") == {"zh": (3, 0.75), "en": (2, 0.5)}
    assert _by(engaged["read_combinations"], "languages") == {
        ("zh",): (2, 0.5),
        ("en",): (1, 0.25),
        ("en", "zh"): (1, 0.25),
    }
    assert _by(engaged["ui_languages"], "language") == {
        "en": (2, 0.5),
        "zh-hans": (1, 0.25),
        "": (1, 0.25),
    }
    viewers = a["viewers"]  # u1..u5; u4 falls back to the interface language
    assert viewers["users"] == 5
    assert _by(viewers["read_languages"], "language") == {"zh": (4, 0.8), "en": (2, 0.4)}
    assert _by(viewers["ui_languages"], "language") == {
        "en": (2, 0.4),
        "zh-hans": (2, 0.4),
        "": (1, 0.2),
    }


def test_top_notes_table(world: dict[str, Any]) -> None:
    top = services.account_analytics(world["author"], days=7)["top_notes"]
    assert [n["id"] for n in top] == [world["n_en"].pk, world["n_zh"].pk]
    en, zh = top
    assert (en["impressions"], en["viewers"], en["engagements"], en["engagement_rate"]) == (
        5,
        4,
        2,
        0.4,
    )
    assert (en["cross_viewers"], en["cross_viewer_share"], en["translated"]) == (3, 0.75, 2)
    assert (en["language"], en["has_author_version"], en["author_versions"]) == ("en", True, ["zh"])
    assert (zh["impressions"], zh["viewers"], zh["engagements"]) == (3, 3, 2)
    assert (zh["cross_viewers"], zh["translated"], zh["has_author_version"]) == (1, 1, False)
    # By engagement: both have 2, so views break the tie.
    by_eng = services.account_analytics(world["author"], days=7, order="engagement")
    assert [n["id"] for n in by_eng["top_notes"]] == [world["n_en"].pk, world["n_zh"].pk]


def test_daily_series_and_periods(world: dict[str, Any]) -> None:
    data = services.account_analytics(world["author"], days=7)
    daily = data["daily"]
    assert len(daily) == 7
    assert daily[-1]["date"] == timezone.localdate().isoformat()
    expected: dict[str, int] = {}
    for _u, n, kind, _v, at in world["log"]:
        if (
            kind == "impression"
            and n is not None
            and n.author_id == world["author"].pk
            and at >= timezone.now() - timedelta(days=6, hours=23)
        ):
            day = timezone.localtime(at).date().isoformat()
            expected[day] = expected.get(day, 0) + 1
    got = {d["date"]: d["impressions"] for d in daily if d["impressions"]}
    assert got == expected
    assert sum(d["engagements"] for d in daily) == 4
    assert sum(d["follows"] for d in daily) == 1
    # The event 40 days ago only counts in the 90-day period.
    assert services.account_analytics(world["author"], days=28)["summary"]["impressions"] == 8
    assert services.account_analytics(world["author"], days=90)["summary"]["impressions"] == 9


def test_followers(world: dict[str, Any]) -> None:
    f = services.account_analytics(world["author"], days=7)["followers"]
    assert (f["now"], f["new"], f["at_start"]) == (2, 1, 1)  # the pending request is no follower
    assert f["series"][0]["total"] == 1 and f["series"][-1]["total"] == 2
    assert services.account_analytics(world["author"], days=28)["followers"]["new"] == 2


def test_note_analytics(world: dict[str, Any]) -> None:
    data = services.note_analytics(world["author"], world["n_en"].pk, days=7)
    s, c = data["summary"], data["cross_language"]
    assert (s["impressions"], s["viewers"], s["engagements"], s["hides"]) == (5, 4, 2, 1)
    assert (c["cross_viewers"], c["translated"], c["cross_engagers"]) == (3, 2, 2)
    assert data["note"]["has_author_version"] is True
    assert data["audience"]["viewers"]["users"] == 4


def test_empty_account_has_no_rates(make_user: Any) -> None:
    data = services.account_analytics(make_user(), days=28)
    assert data["summary"]["impressions"] == 0
    assert data["summary"]["engagement_rate"] is None
    assert data["cross_language"]["cross_viewer_share"] is None
    assert len(data["daily"]) == 28 and data["top_notes"] == []


def test_bad_period_is_rejected(world: dict[str, Any]) -> None:
    from qiao.core.errors import Invalid

    with pytest.raises(Invalid):
        services.account_analytics(world["author"], days=30)


# --- permissions ---------------------------------------------------------------------------


def test_api_requires_sign_in(api: Any, world: dict[str, Any]) -> None:
    assert api.get("/me/analytics").status_code == 401
    assert api.get(f"/notes/{world['n_en'].pk}/analytics").status_code == 401


def test_api_owner_gets_their_numbers(api_as: Any, world: dict[str, Any]) -> None:
    client = api_as(world["author"])
    r = client.get("/me/analytics", days=7)
    assert r.status_code == 200
    assert r.json()["summary"]["impressions"] == 8
    r = client.get(f"/notes/{world['n_en'].pk}/analytics", days=7)
    assert r.status_code == 200
    assert r.json()["cross_language"]["cross_viewers"] == 3
    assert client.get("/me/analytics", days=5).status_code == 400


def test_api_others_get_403_or_404(api_as: Any, world: dict[str, Any], make_user: Any) -> None:
    stranger = api_as(world["other"])
    # /me is always the caller: the stranger sees their own note's one view, not the author's.
    assert stranger.get("/me/analytics", days=7).json()["summary"]["impressions"] == 1
    r = stranger.get(f"/notes/{world['n_en'].pk}/analytics")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    private = _note(world["author"], "en", "Secret", visibility="private")
    assert stranger.get(f"/notes/{private.pk}/analytics").status_code == 404
    draft = _note(world["author"], "en", "Draft", status="draft")
    assert stranger.get(f"/notes/{draft.pk}/analytics").status_code == 404
    assert stranger.get("/notes/999999/analytics").status_code == 404
    assert api_as(world["author"]).get(f"/notes/{private.pk}/analytics").status_code == 200


def test_service_refuses_another_account(world: dict[str, Any]) -> None:
    from qiao.core.errors import Forbidden, NotAuthenticated

    with pytest.raises(Forbidden):
        services.account_analytics(world["other"], account=world["author"])
    with pytest.raises(NotAuthenticated):
        services.account_analytics(None)


# --- the page ------------------------------------------------------------------------------


def test_page_needs_login(client: Any) -> None:
    r = client.get("/creator/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login?next=")


def test_page_renders_in_english(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["author"])
    r = client.get("/creator/?days=7", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Creator analytics" in html
    assert "Cross-language reach" in html
    assert "<svg" in html and 'class="cr-bar"' in html
    assert f'href="/notes/{world["n_en"].pk}"' in html
    assert "80.0%" in html  # cross-language viewer share
    assert 'aria-current="page">7 days' in html
    assert " style=" not in html.split("<main", 1)[1]  # the CSP forbids inline styles


def test_page_renders_in_chinese(client: Any, world: dict[str, Any]) -> None:
    world["author"].ui_language = ""
    world["author"].save()
    client.force_login(world["author"])
    r = client.get("/creator/?days=28", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'lang="zh-Hans"' in html
    assert "创作者数据" in html
    assert "跨语言触达" in html
    assert "Creator analytics" not in html


def test_page_ignores_a_bad_period(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["author"])
    r = client.get("/creator/?days=abc")
    assert r.status_code == 200
    assert 'aria-current="page">28 days' in r.content.decode()


def test_menu_links_to_the_page(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["author"])
    assert 'href="/creator/"' in client.get("/creator/").content.decode()


# --- no N+1 --------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_notes_or_events(
    make_user: Any, django_assert_max_num_queries: Any
) -> None:
    author = make_user(read_languages=["zh"])
    readers = [make_user(read_languages=["en"] if i % 2 else ["zh"]) for i in range(6)]
    notes = [_note(author, "zh" if i % 2 else "en", f"n{i}") for i in range(25)]
    for n in notes[::3]:
        NoteVersion.objects.create(note=n, language="en", title="v", is_machine=False)
    now = timezone.now()
    EngagementEvent.objects.bulk_create(
        [
            EngagementEvent(
                user_id=r.pk,
                note_id=n.pk,
                author_id=author.pk,
                kind=k,
                created_at=now - timedelta(hours=3 * i),
            )
            for i, n in enumerate(notes)
            for r in readers
            for k in ("impression", "like")
        ]
    )
    from django.db import connection

    extra = 1 if connection.vendor == "postgresql" else 0  # SET LOCAL jit = off
    with django_assert_max_num_queries(5 + extra):
        data = services.account_analytics(author, days=28, top=25)
    assert len(data["top_notes"]) == 25
    with django_assert_max_num_queries(5 + extra):
        services.note_analytics(author, notes[0].pk, days=28)


def test_page_for_a_new_account_has_no_numbers_yet(client: Any, make_user: Any) -> None:
    client.force_login(make_user())
    r = client.get("/creator/?days=90")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Nothing yet in this period" in html
    assert "No views on your notes in this period." in html
    assert html.count('class="cr-bar"') == 2 * 2 * 90  # views and engagement, wide and narrow


def test_chart_geometry() -> None:
    from qiao.web.views.creators import _nice_max, bar_chart

    assert [_nice_max(v) for v in (0, 5, 11, 21, 101, 999)] == [4, 8, 12, 24, 120, 1000]
    daily = [
        {"date": f"2026-11-{d:02d}", "impressions": v, "opens": v // 2}
        for d, v in zip(range(20, 27), (0, 30, 60, 90, 120, 10, 5), strict=True)
    ]
    chart = bar_chart(daily, "impressions", "opens", "Views", "Opens")
    plot_h = chart["ticks"][0]["y"] - chart["ticks"][-1]["y"]
    assert chart["ticks"][-1]["value"] == 120  # axis top = the nice max
    tallest = max(chart["bars"], key=lambda b: b["h"])
    assert tallest["h"] == pytest.approx(plot_h)  # 120 of 120
    assert chart["bars"][1]["h"] == pytest.approx(plot_h / 4)  # 30 of 120
    assert chart["bars"][1]["oh"] == pytest.approx(plot_h / 8)  # 15 opens
    assert chart["labels"][-1]["anchor"] == "middle"  # wide bars: centred under the bar
    long = [
        {"date": (date(2026, 9, 1) + timedelta(days=i)).isoformat(), "impressions": i}
        for i in range(90)
    ]
    chart = bar_chart(long, "impressions", None, "Views")
    assert len(chart["labels"]) <= 8
    assert chart["labels"][-1] == {"x": chart["right"], "anchor": "end", "text": "11/29"}
