from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "qiao.social"
    label = "social"

    def ready(self) -> None:
        from qiao.social import receivers  # noqa: F401 - connects signal receivers
