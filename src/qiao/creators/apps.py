from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "qiao.creators"
    label = "creators"
    verbose_name = "Creator analytics"
