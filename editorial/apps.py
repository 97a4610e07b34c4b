from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    default = True
    name = "editorial"
    verbose_name = "Editorial workflow"

    def ready(self):
        from articles import page_cache, selectors
        from editorial import tasks  # noqa: F401 - registers the tasks the outbox names
        from editorial.models import EditorialPolicy
        from editorial.roles import ensure_groups

        # The reader pages show the policy and each article's review status: tell them
        # where the policy comes from and which of our saves change what they show.
        selectors.set_policy_source(EditorialPolicy.public_facts)
        page_cache.watch(
            "editorial.Submission", lambda s: (page_cache.article_scope(s.article_id),)
        )
        page_cache.watch("editorial.EditorialPolicy")

        # editorial is the last of our apps in INSTALLED_APPS, so when its post_migrate
        # runs, auth has created the permissions of every app before it (also after flush).
        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="editorial.ensure_groups")


class EditorialAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the board's admin site (see ``editorial.sites``)."""

    default = False

    default_site = "editorial.sites.EditorialAdminSite"
