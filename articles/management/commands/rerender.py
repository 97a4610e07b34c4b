"""``manage.py rerender``: render and store the HTML of every submitted revision whose
stored HTML is missing or from another renderer version (after ``RENDERER_VERSION`` is
bumped), so readers never pay for it. Resumable: each batch commits on its own, and a run
only picks up what is not yet at the current version. The revisions themselves and their
content hashes (of the source, not the HTML) are never touched."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Prefetch
from tqdm import tqdm

from articles import page_cache, stored_html
from articles.models import Reference
from articles.rendering import RENDERER_VERSION


class Command(BaseCommand):
    help = "Render and store the HTML of submitted revisions not at the current renderer version."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200)

    def handle(self, *args, batch_size, verbosity, **options):
        pending = stored_html.revisions_to_render().prefetch_related(
            Prefetch("references", queryset=Reference.objects.order_by("position"))
        )
        total = pending.count()
        done, last_pk = 0, 0
        with tqdm(total=total, unit="revision", disable=verbosity == 0) as bar:
            while batch := list(pending.filter(pk__gt=last_pk)[:batch_size]):
                with transaction.atomic():
                    for revision in batch:
                        stored_html.revision_store_rendered(
                            revision, references=list(revision.references.all())
                        )
                    page_cache.page_changed(
                        *{page_cache.article_scope(r.article_id) for r in batch}
                    )
                last_pk = batch[-1].pk
                done += len(batch)
                bar.update(len(batch))
        if verbosity:
            self.stdout.write(
                f"Rendered {done} revision(s) with renderer version {RENDERER_VERSION}."
            )
