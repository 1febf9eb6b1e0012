"""Documents cut with older word lists are re-indexed on upgrade (issue 13: jieba's user
dictionary learnt 马面裙, 种草 …; a document holding 马面 + 裙 no longer matches 马面裙)."""

from __future__ import annotations

from typing import Any

import pytest

from qiao.engines.search import segmenter_version
from qiao.search import index
from qiao.search.models import NoteSearchDocument
from qiao.search.services import search

pytestmark = pytest.mark.django_db


def test_stale_documents_are_recut(make_user: Any, make_note: Any) -> None:
    fresh = make_note(make_user(), title="汉服和马面裙", body="")
    old = make_note(make_user(), title="今天穿马面裙", body="")
    unknown = make_note(make_user(), title="马面裙搭配", body="")
    assert index.count_stale() == 0
    # as an older version left them: cut without the user dictionary, or before the stamp
    NoteSearchDocument.objects.filter(note=old).update(title="今天 穿 马面 裙", segmenter="0ld")
    NoteSearchDocument.objects.filter(note=unknown).update(title="马面 裙 搭配", segmenter=None)
    assert index.count_stale() == 2
    assert [n.pk for n in search(None, "马面裙").items] == [fresh.pk]
    assert index.reindex(stale_only=True) == 2
    assert index.count_stale() == 0
    assert set(NoteSearchDocument.objects.values_list("segmenter", flat=True)) == {
        segmenter_version()
    }
    assert {n.pk for n in search(None, "马面裙").items} == {fresh.pk, old.pk, unknown.pk}
