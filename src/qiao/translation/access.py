"""Who may do what with translations. Every reader and writer asks here."""

from __future__ import annotations

from qiao.accounts.access import signed_in
from qiao.accounts.models import User
from qiao.translation.models import COMMUNITY_ENGINE


def may_suggest_fix(viewer: User | None, author_id: int, engine: str) -> bool:
    """A member may suggest a better translation of someone else's text when what readers
    see is a machine translation or an earlier readers' fix — never the author's own
    version, and never of their own text (they write their own version instead).
    (Seeing the text at all — visibility, blocks — is the caller's check.)"""
    if not signed_in(viewer) or viewer.pk == author_id:
        return False
    return engine == COMMUNITY_ENGINE or engine not in ("", "author", "identity", "opencc")
