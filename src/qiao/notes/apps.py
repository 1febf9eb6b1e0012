from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "qiao.notes"
    label = "notes"

    def ready(self) -> None:
        from qiao.notes import receivers  # noqa: F401 - connects signal receivers
