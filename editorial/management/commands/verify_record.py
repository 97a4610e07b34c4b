"""Verify a review record offline: from a file, or an article's stored record."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from editorial.signing import consistency, keys, records, verification


class Command(BaseCommand):
    help = (
        "Verify a review record (a .json file, or an article's slug): signature, key, "
        "revision, content hash, and the inclusion proof of its approval in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("record", help="a review-record .json file, or an article's slug")
        parser.add_argument("--revision", type=int, help="the revision the record must be for")
        parser.add_argument(
            "--keys", help="review-keys.json (a file or URL) to trust instead of this database"
        )

    def handle(self, *args, record, revision=None, **options):
        keyring = keys.keyring(self._keys(options["keys"]) if options["keys"] else None)
        document = self._document(record, revision)
        expect = self._expectations(document, revision)
        checks = verification.verify_document(document, keyring=keyring, expect=expect)
        for check in checks:
            mark = {"passed": "OK  ", "failed": "FAIL", "not checked": "--  "}[check.outcome]
            self.stdout.write(f"{mark} {check.name}: {check.detail}")
        failed = verification.failures(checks)
        if failed:
            raise CommandError(
                "Review record does NOT verify: "
                + "; ".join(f"{check.name}: {check.detail}" for check in failed)
            )
        self.stdout.write(self.style.SUCCESS("Review record verified."))

    def _keys(self, source):
        if source.startswith(("http://", "https://")):
            return consistency.fetch_json(source)["keys"]
        return json.loads(Path(source).read_text(encoding="utf-8"))["keys"]

    def _document(self, source, revision):
        path = Path(source)
        if path.suffix == ".json" or path.exists():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {source}: {error}") from error
        article = Article.objects.filter(slug=source).first()
        if article is None:
            raise CommandError(f"No file and no article named {source!r}.")
        signed = records.find(article=article, revision_number=revision)
        if signed is None:
            raise CommandError(f"{source} has no signed review record for that revision.")
        return records.as_document(signed)

    def _expectations(self, document, revision):
        """What the local database says the record must match: the published text's
        hash, when this database knows the article and revision."""
        expect = {} if revision is None else {"revision": revision}
        record = document.get("record") if isinstance(document, dict) else None
        if not isinstance(record, dict):
            return expect
        slug = (record.get("article") or {}).get("slug")
        number = revision or (record.get("revision") or {}).get("number")
        article = Article.objects.filter(slug=slug).first() if isinstance(slug, str) else None
        if article is not None and isinstance(number, int):
            known = article.revisions.filter(number=number).first()
            if known is not None:
                expect["content_hash"] = known.content_hash
        return expect
