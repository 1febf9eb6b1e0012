from django.apps import AppConfig


class FixesConfig(AppConfig):
    name = "qiao.fixes"
    label = "fixes"
    verbose_name = "Readers' translation fixes"

    def ready(self) -> None:
        from qiao.fixes import receivers  # noqa: F401 - connects signal receivers
