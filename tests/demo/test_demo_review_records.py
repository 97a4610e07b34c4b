"""Done when (issue 11): every approved demo article's review record verifies with the
published key, through ``manage.py verify_record`` and through the independent script
that uses only ``cryptography``; seeding signs a checkpoint, so each carries its proof."""

import json
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command

from articles.models import Article

SCRIPT = settings.BASE_DIR / "scripts" / "verify_review_record.py"


def test_every_approved_demo_article_has_a_record_that_verifies(seeded_demo, db, client, tmp_path):
    approved = list(Article.objects.published().order_by("slug"))
    assert len(approved) >= 3
    keys_path = tmp_path / "review-keys.json"
    keys_path.write_bytes(client.get("/review-keys.json").content)

    for article in approved:
        response = client.get(f"/articles/{article.slug}/review-record.json")
        assert response.status_code == 200, article.slug
        document = json.loads(response.content)
        assert document["inclusion_proof"] is not None, article.slug
        record_path = tmp_path / f"{article.slug}.json"
        record_path.write_bytes(response.content)

        call_command("verify_record", article.slug, verbosity=0)
        call_command("verify_record", str(record_path), "--keys", str(keys_path), verbosity=0)
        result = subprocess.run(
            [
                sys.executable,
                str(SCRIPT),
                str(record_path),
                str(keys_path),
                "--slug",
                article.slug,
                "--revision",
                str(article.published_revision.number),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.rstrip().endswith("VERIFIED")
        assert "NOT VERIFIED" not in result.stdout
