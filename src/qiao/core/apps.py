from django.apps import AppConfig
from django.db.backends.base.base import BaseDatabaseWrapper


class CoreConfig(AppConfig):
    name = "qiao.core"
    label = "core"

    def ready(self) -> None:
        from qiao.core import converters

        converters.register()
        from django.db.backends.signals import connection_created

        def _sqlite_pragmas(
            sender: object, connection: BaseDatabaseWrapper, **kwargs: object
        ) -> None:
            # init_command in OPTIONS only exists for newer Django versions on SQLite; keep
            # the pragmas explicit so WAL is on for every connection whatever the version.
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA journal_mode=WAL;")
                    cursor.execute("PRAGMA synchronous=NORMAL;")
                    cursor.execute("PRAGMA busy_timeout=20000;")

        connection_created.connect(_sqlite_pragmas, dispatch_uid="qiao_sqlite_pragmas")
