"""Load the demo: accounts, the board, topics, the editorial policy and articles in every
workflow state, from the files in ``demo/data``."""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from articles.models import Article
from demo.content import DemoError, load_demo
from demo.loader import seed


class Command(BaseCommand):
    """Create the demo data, idempotently (see ``demo.loader``). Development only: every
    demo account shares a published password."""

    help = (
        "Load the demo (accounts, board, topics, policy, articles in every review state). "
        "Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-email",
            action="store_true",
            help="Send the workflow notification emails too (by default they are discarded).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo accounts have a published password.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a published password and is meant for "
                "development. DEBUG is off; pass --force if you really want the demo here."
            )
        self.verbosity = options["verbosity"]
        # In development tasks run in-process once the transaction commits, and the console
        # email backend would bury the login table under some thirty demo notifications.
        # With a real broker the worker sends them regardless, to example.org addresses.
        email = (
            {}
            if options["send_email"]
            else {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
        )
        try:
            demo = load_demo()
            with _quiet_task_log(self.verbosity), override_settings(**email):
                seeded = seed(demo, say=self._say)
        except DemoError as error:
            raise CommandError(str(error)) from error
        self._print_logins(demo, seeded)

    def _say(self, line):
        if self.verbosity >= 1:
            self.stdout.write(line)

    def _print_logins(self, demo, seeded):
        if self.verbosity < 1:
            return
        rows = [("username", "password", "role", "sign in at")]
        for spec in demo.users:
            name = spec["username"]
            password = "(unchanged)" if name in seeded.kept_password else demo.password
            rows.append((name, password, spec["role"], spec["sign_in"]))
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo logins (development only):"))
        for index, row in enumerate(rows):
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write("  " + line.rstrip())
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        article = Article.objects.published().filter(slug=demo.featured).first()
        if article is not None:
            self.stdout.write("")
            self.stdout.write(
                "Published example: " + settings.SITE_URL + article.get_absolute_url()
            )


@contextmanager
def _quiet_task_log(verbosity):
    """In development every notification task runs in-process and logs a line; dozens of
    them would drown the progress lines. ``-v 2`` keeps them."""
    logger = logging.getLogger("celery.app.trace")
    level = logger.level
    if verbosity < 2:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
