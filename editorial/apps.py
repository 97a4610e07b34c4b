from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = "Editorial workflow"

    def ready(self):
        from editorial.roles import ensure_groups

        # editorial is the last of our apps in INSTALLED_APPS, so when its post_migrate
        # runs, auth has created the permissions of every app before it (also after flush).
        post_migrate.connect(ensure_groups, sender=self, dispatch_uid="editorial.ensure_groups")
