from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The author workspace: its views, forms, pre-submit checks and reads. It calls the
    editorial services for every change of workflow state and owns no workflow rules."""

    name = "workspace"
    verbose_name = "Author workspace"
