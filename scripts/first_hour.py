"""The first hour, measured (issue 12's "Measured" check): prints JSON lines.

    QIAO_HOME=/tmp/qiao-fresh .venv/bin/python scripts/first_hour.py [--visits 8] [--cards 40]

On an empty QIAO_HOME it first does what `qiao serve` does on a fresh install (seeds the
demo community, trains the recommender). Then, driving the web pages in-process with
Django's test client exactly as a browser's requests would (the feed's first page, then its
infinite-scroll pages):

- the demo: distinct titles, distinct photos, the share of photos with alt text;
- a new member (signs up, picks three interests) makes `--visits` visits, each scrolling
  until it has at least `--cards` cards: cards per visit, and repeated titles per visit
  (titles already seen on an earlier visit or earlier in the same one);
- one long scroll (`--long` cards): that it never ends, and where "You're all caught up"
  comes;
- a signed-out visitor's scroll, the same;
- every #tag on the new member's first page (the chips, and the tags of the notes on it,
  opened): does its topic page show at least one note of the topic?
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from html import unescape
from typing import Any

CARD = re.compile(
    r'<article class="card" data-card>.*?<img src="([^"]*)".*?'
    r'<h2 class="card-title"[^>]*>(.*?)</h2>',
    re.S,
)
NEXT = re.compile(r'id="feed-more"[^>]*hx-get="([^"]+)"')
NOTE_LINK = re.compile(r'class="card-link" href="(/notes/\d+)"')
TAG_LINK = re.compile(r'href="(/\?topic=[^"]+)"')
TAG_HREF = re.compile(r'<a class="(?:tag|chip)[^"]*" href="(/\?topic=[^"]+)"')


def emit(**row: Any) -> None:
    print(json.dumps(row, ensure_ascii=False), flush=True)


PICTURES: dict[str, str] = {}  # card title -> its cover picture's file


def _cards(html: str) -> tuple[list[str], str | None, int | None]:
    """(card titles in order, next page URL, index of the caught-up divider)."""
    titles: list[str] = []
    divider = None
    for m in re.finditer(r'data-divider|<article class="card" data-card>', html):
        if m.group() == "data-divider":
            divider = len(titles) if divider is None else divider
            continue
        card = CARD.match(html, m.start())
        title = unescape(re.sub(r"<[^>]+>", "", card.group(2))).strip() if card else ""
        if card:
            PICTURES[title] = card.group(1).rsplit("/", 1)[-1].split("_")[0]
        titles.append(title)
    nxt = NEXT.search(html)
    return titles, unescape(nxt.group(1)) if nxt else None, divider


def scroll(client: Any, want: int) -> tuple[list[str], int | None, bool, str]:
    """Load the feed and its next pages until `want` cards; (titles, divider position,
    ended, first page's HTML)."""
    html = client.get("/").content.decode()
    first = html
    titles, nxt, divider = _cards(html)
    caught = divider
    while len(titles) < want and nxt:
        more = client.get(nxt, HTTP_HX_REQUEST="true").content.decode()
        page, nxt, divider = _cards(more)
        if caught is None and divider is not None:
            caught = len(titles) + divider
        titles += page
    return titles, caught, nxt is None, first


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--visits", type=int, default=8, help="visits of the new member")
    ap.add_argument("--cards", type=int, default=40, help="cards scrolled per visit")
    ap.add_argument("--long", type=int, default=600, help="cards in the long scroll")
    args = ap.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiao.settings")
    os.environ.setdefault("QIAO_RATE_LIMITS_ENABLED", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from qiao.accounts.models import User
    from qiao.notes.models import Note, NoteImage

    if not User.objects.exists():
        started = time.perf_counter()
        call_command("seed", quiet=True)
        call_command("train")
        emit(check="fresh install", seconds=round(time.perf_counter() - started, 1))

    images = NoteImage.objects.all()
    emit(
        check="demo",
        notes=Note.objects.count(),
        distinct_titles=len(set(Note.objects.values_list("title", flat=True))),
        distinct_photos=images.values("original").distinct().count(),
        distinct_phash=images.values("phash").distinct().count(),
        alt_text_share=round(images.exclude(alt_text="").count() / max(1, images.count()), 3),
    )

    member = Client()
    name = f"newcomer{int(time.time())}"
    r = member.post(
        "/signup",
        {
            "username": name,
            "email": f"{name}@example.com",
            "password": "a long enough pass phrase 42",
            "password2": "a long enough pass phrase 42",
        },
    )
    if r.status_code not in (200, 302):
        emit(check="signup", error=r.status_code)
        return 1
    user = User.objects.get(username=name)
    member.force_login(user)
    member.post(
        "/welcome",
        {"ui_language": "en", "read_languages": ["en"], "interests": ["travel", "food", "pets"]},
    )
    user.refresh_from_db()
    seen: set[str] = set()
    seen_pictures: set[str] = set()
    worst = 0
    for visit in range(1, args.visits + 1):
        titles, caught, ended, _html = scroll(member, args.cards)
        counts = Counter(titles)
        repeats = sum(1 for t in titles if t in seen) + sum(n - 1 for n in counts.values())
        pictures = [PICTURES.get(t, "") for t in titles]
        again = sum(1 for p in pictures if p in seen_pictures) + sum(
            n - 1 for n in Counter(pictures).values()
        )
        worst = max(worst, repeats)
        emit(
            check="new member visit",
            visit=visit,
            cards=len(titles),
            repeated_titles=repeats,
            repeated_cover_photos=again,
            caught_up_at=caught,
            ended=ended,
        )
        seen |= set(titles)
        seen_pictures |= set(pictures)
    emit(
        check="new member visits",
        visits=args.visits,
        onboarded=user.onboarded,
        interests=user.interests,
        distinct_titles_seen=len(seen),
        most_repeats_in_a_visit=worst,
    )

    titles, caught, ended, first = scroll(member, args.long)
    emit(
        check="member long scroll",
        cards=len(titles),
        ended=ended,
        caught_up_at=caught,
        distinct_before_divider=len(set(titles[:caught] if caught is not None else titles)),
    )

    visitor = Client()
    titles, caught, ended, _html = scroll(visitor, args.long)
    counts = Counter(titles[: len(titles) if caught is None else caught])
    emit(
        check="signed-out scroll",
        cards=len(titles),
        ended=ended,
        caught_up_at=caught,
        repeats_before_divider=sum(n - 1 for n in counts.values()),
    )

    fresh = Client()
    fresh.force_login(
        User.objects.create_user(
            f"{name}b", f"{name}b@example.com", onboarded=True, interests=["travel"]
        )
    )
    html = fresh.get("/").content.decode()
    tags = set(TAG_HREF.findall(html))
    for link in NOTE_LINK.findall(html):
        tags |= set(TAG_LINK.findall(fresh.get(link).content.decode()))
    empty = []
    for tag in sorted(tags):
        page, _nxt, divider = _cards(fresh.get(unescape(tag)).content.decode())
        if not page or divider == 0:
            empty.append(tag)
    emit(
        check="hashtags on a new member's first page",
        tags=len(tags),
        empty_topic_pages=len(empty),
        empty=empty[:10],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
