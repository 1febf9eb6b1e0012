"""Scrolling the web feed as the infinite scroll does (for the feed tests)."""

from __future__ import annotations

import re

from django.test import Client

CARD = re.compile(r'<article class="card" data-card>.*?href="/notes/(\d+)"', re.S)
NEXT = re.compile(r'id="feed-more"[^>]*hx-get="([^"]+)"')


def scroll(client: Client, want: int, start: str = "/") -> tuple[list[int], int | None, bool]:
    """Load the feed and its next pages until `want` cards: (note ids in order, position of
    the "caught up" divider or None, whether the feed ended)."""
    html = client.get(start).content.decode()
    ids: list[int] = []
    divider = None
    while True:
        for m in re.finditer(r'data-divider|<article class="card" data-card>', html):
            if m.group() == "data-divider":
                divider = len(ids) if divider is None else divider
            else:
                card = CARD.match(html, m.start())
                assert card is not None
                ids.append(int(card.group(1)))
        nxt = NEXT.search(html)
        if len(ids) >= want or not nxt:
            return ids, divider, nxt is None
        html = client.get(
            nxt.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true"
        ).content.decode()
