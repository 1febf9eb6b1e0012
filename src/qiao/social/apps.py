from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "qiao.social"
    label = "social"
