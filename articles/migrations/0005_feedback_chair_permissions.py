"""The board chair triages reader feedback in the admin: view and change (status, note)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CHAIR_PERMISSIONS = ["view_feedback", "change_feedback"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # get_or_create: this may run before or after editorial creates the groups.
    chair, _ = Group.objects.get_or_create(name="Board chair")
    chair.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=CHAIR_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_feedback"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
