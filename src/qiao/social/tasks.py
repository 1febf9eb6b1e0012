"""Background work for social rows (in-process thread or Celery); each task takes ids."""

from __future__ import annotations

from django_tasks import task

from qiao.social.models import Board, Comment
from qiao.translation.services import detect


@task()
def detect_comment_language(comment_id: int) -> None:
    body = Comment.objects.filter(pk=comment_id).values_list("body", flat=True).first()
    if body is not None:
        Comment.objects.filter(pk=comment_id).update(language=detect(body))


@task()
def detect_board_language(board_id: int) -> None:
    name = Board.objects.filter(pk=board_id).values_list("name", flat=True).first()
    if name is not None:
        Board.objects.filter(pk=board_id).update(language=detect(name))
