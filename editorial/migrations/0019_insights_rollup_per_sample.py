"""The insights' roll-ups become one row per sample, with its month and article (issue 15,
speed): the page aggregates them in one statement. The old rows (histograms keyed by exact
duration) are dropped; the next sweep, or ``manage.py rollup_insights``, writes them again,
and until then every day is counted live."""

import django.db.models.deletion
from django.db import migrations, models


def drop_rollups(apps, schema_editor):
    # TRUNCATE fires no deferred foreign-key triggers, which would block the ALTER TABLEs.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("TRUNCATE editorial_insightsrollup, editorial_insightsday")
    else:
        apps.get_model("editorial", "InsightsRollup").objects.all().delete()
        apps.get_model("editorial", "InsightsDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_feedback_triaged_at"),
        ("editorial", "0018_changelist_order_indexes"),
    ]

    operations = [
        migrations.RunPython(drop_rollups, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="insightsrollup", name="insights_rollup_measure_valid"
        ),
        migrations.RemoveField(model_name="insightsday", name="rows"),
        migrations.RemoveField(model_name="insightsrollup", name="measure"),
        migrations.AddField(
            model_name="insightsrollup",
            name="measure",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "Invitation → response"),
                    (2, "Acceptance → decision"),
                    (3, "Submission → approval"),
                    (4, "Reader report → triage"),
                    (5, "Escalation to the chair"),
                ],
                default=1,
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="insightsrollup",
            constraint=models.CheckConstraint(
                condition=models.Q(("measure__in", [1, 2, 3, 4, 5])),
                name="insights_rollup_measure_valid",
            ),
        ),
        migrations.AddIndex(
            model_name="insightsrollup",
            index=models.Index(
                condition=models.Q(("declined", True)),
                fields=["rollup_day"],
                name="insights_rollup_declined_idx",
            ),
        ),
        migrations.RemoveField(model_name="insightsrollup", name="samples"),
        migrations.AddField(
            model_name="insightsrollup",
            name="month",
            field=models.DateField(default="2000-01-01"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="insightsrollup",
            name="article",
            field=models.ForeignKey(
                db_index=False,
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="articles.article",
            ),
            preserve_default=False,
        ),
    ]
