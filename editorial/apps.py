from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    default = True
    name = "editorial"
    verbose_name = "Editorial workflow"

    def ready(self):
        from editorial.roles import ensure_groups

        # editorial is the last of our apps in INSTALLED_APPS, so when its post_migrate
        # runs, auth has created the permissions of every app before it (also after flush).
        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="editorial.ensure_groups")


class EditorialAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the board's admin site (see ``editorial.sites``)."""

    default = False

    default_site = "editorial.sites.EditorialAdminSite"
