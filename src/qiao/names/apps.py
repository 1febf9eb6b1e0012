from django.apps import AppConfig


class NamesConfig(AppConfig):
    name = "qiao.names"
    label = "names"
    verbose_name = "Chinese names"
