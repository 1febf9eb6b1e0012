# Follows and blocks now belong to `accounts` (see social/0002). The tables are unchanged, so
# this only records them in the migration state.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("social", "0002_graph_moves_to_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Follow",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("status", models.CharField(
                            choices=[("pending", "Requested"), ("accepted", "Following")],
                            max_length=10)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("followee", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="follower_set", to=settings.AUTH_USER_MODEL)),
                        ("follower", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="following_set", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "social_follow",
                        "indexes": [models.Index(fields=["followee", "status"],
                                                 name="social_foll_followe_659d2e_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("follower", "followee"),
                                                    name="uniq_follow"),
                            models.CheckConstraint(
                                condition=models.Q(("follower", models.F("followee")),
                                                   _negated=True),
                                name="no_self_follow"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Block",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("blocked", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="blocks_received", to=settings.AUTH_USER_MODEL)),
                        ("blocker", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="blocks_made", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "social_block",
                        "constraints": [models.UniqueConstraint(fields=("blocker", "blocked"),
                                                                name="uniq_block")],
                    },
                ),
            ],
        ),
    ]
