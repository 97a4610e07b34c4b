"""Real requests at once on one article, in threads: exactly one wins, the other is told
plainly, and nothing unchecked slips into review."""

import threading

import pytest
from django.db import connection
from django.test import Client

from articles.models import Revision
from editorial.models import AuditEntry, Submission
from tests.factories import ArticleFactory
from tests.workspace.support import cited_draft, editor_data, url

# Racing double submit: two real requests at once, exactly one wins.


@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_one_wins_the_other_is_told_already_submitted(author):
    article = ArticleFactory(authors=[author])
    cited_draft(article)
    statuses, barrier = [], threading.Barrier(2)

    def submit():
        client = Client()
        client.force_login(author)
        barrier.wait()
        try:
            statuses.append(client.post(url("submit", article), {"note": ""}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409]
    assert Submission.objects.count() == 1
    assert AuditEntry.objects.filter(action="submission.submit").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_a_submit_either_lands_before_it_or_is_refused(author):
    article = ArticleFactory(authors=[author])
    cited_draft(article)
    data = editor_data(
        topic=article.topic,
        title="Changed while submitting?",
        summary="Yes [1].",
        body="One [1]. Two [2].",
    )
    results, barrier = {}, threading.Barrier(2)

    def post(name, target, payload):
        client = Client()
        client.force_login(author)
        barrier.wait()
        try:
            results[name] = client.post(target, payload).status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=("submit", url("submit", article), {"note": ""})),
        threading.Thread(target=post, args=("save", url("edit", article), data)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    submission = Submission.objects.get()
    assert results["submit"] == 302
    if results["save"] == 302:  # the save went first and was submitted
        assert submission.revision.title == "Changed while submitting?"
    else:  # the submit went first; the save changed nothing
        assert results["save"] == 409
        assert submission.revision.title != "Changed while submitting?"
    assert Revision.objects.filter(article=article).count() == 1
