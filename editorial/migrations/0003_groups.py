"""The three groups and what each may do. Object-level rules (a reviewer sees only what
they are assigned to; an author only their own work) are enforced in the code on top."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Authors": [
        "articles.view_topic",
    ],
    "Reviewers": [
        "articles.view_article",
        "articles.view_revision",
        "articles.view_reference",
        "articles.view_topic",
        "editorial.view_submission",
        "editorial.view_editorialpolicy",
        "reviewers.view_boardmember",
    ],
    "Board chair": [
        "articles.view_article",
        "articles.change_article",
        "articles.view_revision",
        "articles.view_reference",
        "articles.view_topic",
        "articles.add_topic",
        "articles.change_topic",
        "articles.view_relatedquestion",
        "articles.add_relatedquestion",
        "articles.change_relatedquestion",
        "articles.delete_relatedquestion",
        "editorial.view_submission",
        "editorial.assign_reviewers",
        "editorial.decide_submission",
        "editorial.view_editorialpolicy",
        "editorial.change_editorialpolicy",
        "editorial.view_auditentry",
        "reviewers.view_boardmember",
        "reviewers.add_boardmember",
        "reviewers.change_boardmember",
    ],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0002_audit_append_only"),
        ("articles", "0002_revision_immutability_trigger"),
        ("reviewers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
