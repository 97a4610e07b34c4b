"""Who chairs the board is the "Board chair" group (``editorial.roles``), not a flag on
the member that could disagree with it. Members flagged as chair join the group first, so
nobody who received chair emails stops receiving them."""

from django.db import migrations


def flagged_chairs_join_the_group(apps, schema_editor):
    BoardMember = apps.get_model("reviewers", "BoardMember")
    Group = apps.get_model("auth", "Group")
    flagged = BoardMember.objects.filter(is_chair=True).select_related("user")
    if not flagged.exists():
        return
    # editorial.roles.ensure_groups gives the group its permissions after migrate.
    group, _ = Group.objects.get_or_create(name="Board chair")
    for member in flagged:
        member.user.groups.add(group)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reviewers", "0003_reminders"),
    ]

    operations = [
        migrations.RunPython(flagged_chairs_join_the_group, migrations.RunPython.noop),
        migrations.RemoveField(model_name="boardmember", name="is_chair"),
    ]
