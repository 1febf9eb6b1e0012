from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "qiao.web"
    label = "web"
