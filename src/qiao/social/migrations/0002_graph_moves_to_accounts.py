# The account graph (follows, blocks) moved to the `accounts` app. Its tables stay where they
# are (`social_follow`, `social_block`); only Django's idea of which app owns them changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("social", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Follow"),
                migrations.DeleteModel(name="Block"),
            ],
            database_operations=[],
        ),
    ]
