from django.apps import AppConfig


class TranslationConfig(AppConfig):
    name = "qiao.translation"
    label = "translation"
    verbose_name = "Translation"

    def ready(self) -> None:
        from qiao.translation import receivers  # noqa: F401 - connects signal receivers
