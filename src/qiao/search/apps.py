from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "qiao.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from qiao.search import receivers  # noqa: F401 - connects signal receivers
