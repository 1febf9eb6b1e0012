from django.apps import AppConfig


class MessagesConfig(AppConfig):
    name = "qiao.messages"
    label = "qiao_messages"  # "messages" is django.contrib.messages' label
    verbose_name = "Direct messages"

    def ready(self) -> None:
        from qiao.messages import receivers  # noqa: F401 - connects signal receivers
