"""The starter glossary (the translation engine's `data/glossary.tsv`: internet slang,
fashion, food, pets, places, brands) as the instance's first terms, and the right to keep
the glossary for the "Moderators" group."""

from django.db import migrations

PERMS = ["view_glossaryterm", "add_glossaryterm", "change_glossaryterm",
         "delete_glossaryterm"]
KINDS = {"slang", "fashion", "food", "pets", "place", "brand"}


def load_starter(apps, schema_editor):  # type: ignore[no-untyped-def] # historical models
    from qiao.engines.translate.glossary import default_glossary

    Term = apps.get_model("translation", "GlossaryTerm")
    have = set(Term.objects.values_list("zh", flat=True))
    rows = []
    for entry in default_glossary().entries:
        zh, *zh_more = entry.zh
        en, *en_more = entry.en
        if zh in have:
            continue
        have.add(zh)
        rows.append(Term(zh=zh[:60], zh_variants="|".join(zh_more)[:300], en=en[:100],
                         en_variants="|".join(en_more)[:300],
                         kind=entry.kind if entry.kind in KINDS else "other",
                         note=entry.note[:200], status="active", source="starter"))
    Term.objects.bulk_create(rows)


def unload_starter(apps, schema_editor):  # type: ignore[no-untyped-def] # historical models
    apps.get_model("translation", "GlossaryTerm").objects.filter(source="starter").delete()


def grant_moderators(apps, schema_editor):  # type: ignore[no-untyped-def] # historical models
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="translation",
                                                     codename__in=PERMS))


class Migration(migrations.Migration):
    dependencies = [
        ("translation", "0004_glossary_and_community_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(load_starter, unload_starter),
        migrations.RunPython(grant_moderators, migrations.RunPython.noop),
    ]
