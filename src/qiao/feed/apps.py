from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "qiao.feed"
    label = "feed"
