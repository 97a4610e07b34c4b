"""What reviewers and the chair may do with assignments, decisions and conflict-of-interest
declarations. Object-level rules (a reviewer sees only their own assignments) are enforced
in the admin on top."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Reviewers": [
        "editorial.view_assignment",
        "editorial.view_decision",
        "reviewers.view_conflictofinterest",
        "reviewers.add_conflictofinterest",
    ],
    "Board chair": [
        "editorial.view_assignment",
        "editorial.change_assignment",
        "editorial.view_decision",
        "reviewers.view_conflictofinterest",
        "reviewers.add_conflictofinterest",
    ],
}


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    for name, codenames in GROUPS.items():
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            yield name, Permission.objects.get(
                content_type__app_label=app_label, codename=codename
            )


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, permission in _permissions(apps):
        Group.objects.get_or_create(name=name)[0].permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, permission in _permissions(apps):
        Group.objects.get_or_create(name=name)[0].permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0005_assignment_decision"),
        ("reviewers", "0002_conflictofinterest"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
