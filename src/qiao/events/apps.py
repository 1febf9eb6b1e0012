from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "qiao.events"
    label = "events"

    def ready(self) -> None:
        from qiao.events import receivers  # noqa: F401 - connects signal receivers
