from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: the `qiao` commands, the server, the task worker and scheduler, backups,
    metrics and the demo seeder. The top floor: it may import any domain; none imports it."""

    name = "qiao.ops"
    label = "ops"
