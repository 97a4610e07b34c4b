from django.apps import AppConfig


class ReviewersConfig(AppConfig):
    name = "reviewers"
    verbose_name = "Medical Advisory Board"

    def ready(self):
        from reviewers.views import connect_signals

        connect_signals()
