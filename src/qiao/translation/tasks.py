"""Background translation work (in-process thread or Celery); each task takes ids."""

from __future__ import annotations

from django_tasks import task


@task()
def translate_note(note_id: int) -> str:
    from qiao.translation import services

    result = services.process_note(note_id)
    services.retry_pending(limit=5)  # opportunistic: the laptop profile has no scheduler
    return result


@task()
def detect_comment_language(comment_id: int) -> None:
    from qiao.translation.services import detect_comment

    detect_comment(comment_id)


@task()
def detect_bio_language(user_id: int) -> None:
    from qiao.translation.services import detect_bio

    detect_bio(user_id)


@task()
def detect_board_language(board_id: int) -> None:
    from qiao.translation.services import detect_board

    detect_board(board_id)


@task()
def retry_pending_translations() -> int:
    from qiao.translation.services import retry_pending

    return retry_pending()
