"""Moderators may look at clips (the console's "Note clips" list: poster and player)."""

from django.db import migrations


def grant(apps, schema_editor):  # type: ignore[no-untyped-def] # historical models
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perm = Permission.objects.filter(content_type__app_label="notes",
                                     codename="view_noteclip").first()
    group = Group.objects.filter(name="Moderators").first()
    if perm is not None and group is not None:
        group.permissions.add(perm)


def revoke(apps, schema_editor):  # type: ignore[no-untyped-def] # historical models
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Moderators").first()
    perm = Permission.objects.filter(content_type__app_label="notes",
                                     codename="view_noteclip").first()
    if group is not None and perm is not None:
        group.permissions.remove(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_private_reports"),
        ("notes", "0004_video_notes"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
