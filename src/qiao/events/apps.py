from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "qiao.events"
    label = "events"
