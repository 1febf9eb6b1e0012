from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "qiao.moderation"
    label = "moderation"
    verbose_name = "Moderation"
