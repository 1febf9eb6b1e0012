import django.utils.timezone
from django.db import migrations, models
from django.db.models import F


def _from_created(apps, schema_editor):  # type: ignore[no-untyped-def] # historical models
    CachedTranslation = apps.get_model("translation", "CachedTranslation")
    CachedTranslation.objects.update(last_used_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("translation", "0002_author_version_stale"),
    ]

    operations = [
        migrations.AddField(
            model_name="cachedtranslation",
            name="last_used_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.RunPython(_from_created, migrations.RunPython.noop),
    ]
