from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo (``manage.py seed_demo``): development and tests only, on top of every
    other app; nothing imports it."""

    name = "demo"
    verbose_name = "Demo data"
