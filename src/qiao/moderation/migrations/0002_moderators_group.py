"""A "Moderators" group: add a staff account to it to give it the moderator console."""

from django.db import migrations

PERMS = [("moderation", "report", "view_report"), ("moderation", "report", "change_report"),
         ("moderation", "report", "moderate"), ("moderation", "auditlog", "view_auditlog")]


def create_group(apps, schema_editor):  # type: ignore[no-untyped-def] # historical models
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Moderators")
    for app_label, _model, codename in PERMS:
        perm = Permission.objects.filter(content_type__app_label=app_label,
                                         codename=codename).first()
        if perm is not None:
            group.permissions.add(perm)


def drop_group(apps, schema_editor):  # type: ignore[no-untyped-def] # historical models
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_group, drop_group)]
