"""Cold start: what the first requests of a fresh web process cost.

Seeds the demo (once) into ``imprimatur_bench_cold`` on the server of ``DATABASE_URL``, then
starts fresh Python processes on the test settings, each of which loads Django and, as
``config.wsgi`` does, runs ``config.warmup.warm_up()`` (once without it, for comparison),
and times its first

  * draft save by the author (POST of the editor form, then the editor page with its
    pre-submit checklist it redirects to), and
  * article render with the page cache off.

Targets: first draft save ≤ 0.5 s, first article render ≤ 50 ms. Printed, never asserted.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import report, use_own_database  # noqa: E402 - bench/common.py, beside this script

DATABASE = "imprimatur_bench_cold"
ARTICLE = "/articles/vitamin-b12-deficiency-restless-legs/"

PROBE = """
import json, os, time
import django
django.setup()
if os.environ["BENCH_WARM"] == "1":
    from config.warmup import warm_up
    warm_up()
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse
from articles.models import Article

author = get_user_model().objects.get(username="author")
article = Article.objects.filter(authors=author, published_revision__isnull=False).first()
revision = article.revisions.order_by("-number").first()
client = Client()
client.force_login(author)
references = list(revision.references.order_by("position"))
data = {
    "title": revision.title, "summary": revision.summary, "body": revision.body,
    "patient_body": revision.patient_body, "topic": article.topic_id,
    "refs-TOTAL_FORMS": str(len(references)), "refs-INITIAL_FORMS": str(len(references)),
}
for index, reference in enumerate(references):
    for name, value in reference.canonical().items():
        data[f"refs-{index}-{name}"] = value
started = time.perf_counter()
response = client.post(reverse("author:edit", args=[article.pk]), data, follow=True)
save = time.perf_counter() - started
with override_settings(READER_PAGE_CACHE=False):
    started = time.perf_counter()
    page = client.get("ARTICLE_URL")
    render = time.perf_counter() - started
print(json.dumps({"save": save, "save_status": response.status_code,
                  "render": render, "render_status": page.status_code}))
""".replace("ARTICLE_URL", ARTICLE)


def probe(warm):
    env = {**os.environ, "BENCH_WARM": "1" if warm else "0", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    use_own_database(DATABASE, CELERY_TASK_ALWAYS_EAGER="true", LOG_LEVEL="WARNING")
    from django.core.management import call_command

    from articles.models import Article

    if not Article.objects.exists():
        call_command("seed_demo", force=True, verbosity=0)
    cold, warm = probe(warm=False), probe(warm=True)
    print(
        f"  without warm-up: first draft save {cold['save'] * 1000:.0f} ms "
        f"({cold['save_status']}), first article render {cold['render'] * 1000:.0f} ms"
    )
    save_ms, render_ms = warm["save"] * 1000, warm["render"] * 1000
    report(
        "cold-start",
        "first draft save / first article render in a fresh process (after warm_up)",
        f"{save_ms:.0f} ms ({warm['save_status']}) / {render_ms:.0f} ms ({warm['render_status']})",
        "≤ 500 ms / ≤ 50 ms",
        save_ms <= 500 and render_ms <= 50,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
