"""Write every article's review dossier (or one topic's) to a folder, as PDF and JSON, with
a progress bar: for archives and inspections."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.models import Article, Topic
from editorial.dossiers import article_dossier, dossier_json, dossier_pdf

FORMATS = ("pdf", "json")


class Command(BaseCommand):
    help = "Write review dossiers (the chair's copy) for all articles or one topic to a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where to write dossier-<slug>.pdf and .json.")
        parser.add_argument("--topic", help="Only this topic's articles (its slug).")
        parser.add_argument(
            "--format", choices=[*FORMATS, "both"], default="both", help="Default: both."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, folder, topic=None, format="both", no_progress=False, **options):
        articles = Article.objects.order_by("slug")
        if topic:
            if not Topic.objects.filter(slug=topic).exists():
                raise CommandError(f'No topic "{topic}".')
            articles = articles.filter(topic__slug=topic)
        out = Path(folder)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create {out}: {error}") from error
        formats = FORMATS if format == "both" else (format,)
        written = 0
        for article in tqdm(
            list(articles), desc="Dossiers", unit="article", file=sys.stderr, disable=no_progress
        ):
            dossier = article_dossier(article, for_chair=True)
            if "json" in formats:
                (out / f"dossier-{article.slug}.json").write_text(dossier_json(dossier), "utf-8")
            if "pdf" in formats:
                (out / f"dossier-{article.slug}.pdf").write_bytes(dossier_pdf(dossier))
            written += 1
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} dossier(s) to {out}."))
