"""Builders shared by the reader tests: articles whose public facts are written the way the
editorial services write them (locked revision, article facts, one review record)."""

import datetime

from django.utils import timezone

from articles.models import ReferenceKind, ReviewRecord, ReviewStatus
from tests.factories import (
    ArticleFactory,
    BoardMemberFactory,
    ReferenceFactory,
    RevisionFactory,
    UserFactory,
)

B12_BODY = """## What the evidence shows

Low vitamin B12 has been linked with restless legs syndrome (RLS) in case-control work,
and lower levels went with more severe symptoms [2]. Damage to myelin in peripheral nerves
is the likely route, and its symptoms overlap with those of RLS [3].

## Who to test

Test B12 and iron together in people with RLS and a gastrointestinal disorder, such as
inflammatory bowel disease, where deficiencies are common [4]. Secondary RLS tends to start
later in life and without a family history [3].

## Iron comes first

Iron deficiency remains the better established, treatable nutritional cause: supplement
when ferritin is at or below 75 ng/mL or transferrin saturation is below 20% [1, 5].

## Safety pitfall

A normal blood count does not rule out B12 deficiency: nerve damage can come before, or
without, anaemia [3]. Untreated deficiency can cause lasting nerve damage.
"""

B12_PATIENT = """## In plain words

Restless legs can sometimes come from low vitamin B12, but low iron is a more common
cause [1, 2]. A simple blood test can check both.

## What you can do

Ask your doctor to check your iron and B12 levels, especially if you have a bowel
condition such as Crohn's disease [4].
"""

B12_REFERENCES = [
    (
        ReferenceKind.GUIDELINE,
        "Restless legs syndrome: causes and mechanisms",
        "Example Society",
        2025,
        "",
        "",
    ),
    (
        ReferenceKind.RESEARCH,
        "Serum vitamin B12 in restless legs syndrome: a case-control study",
        "Journal of Example Neurology",
        2022,
        "10.1000/b12.rls.2022",
        "35000001",
    ),
    (
        ReferenceKind.REVIEW,
        "Neurological presentations of cobalamin deficiency",
        "Example Reviews in Medicine",
        2023,
        "10.1000/cbl.2023",
        "",
    ),
    (
        ReferenceKind.RESEARCH,
        "Restless legs in inflammatory bowel disease",
        "Example Gut Journal",
        2019,
        "",
        "31000002",
    ),
    (
        ReferenceKind.GUIDELINE,
        "Iron therapy for restless legs syndrome",
        "Example Sleep Medicine Guidance",
        2024,
        "10.1000/iron.rls",
        "38000003",
    ),
]


def lock_and_publish(revision, *, reviewers, approved_at=None, is_re_review=False):
    """Approve ``revision`` as the editorial services do: lock it, write the article's
    public facts and one review record."""
    approved_at = approved_at or timezone.now()
    revision.lock(at=approved_at)
    article = revision.article
    snapshot = [member.public_snapshot() for member in reviewers]
    article.published_revision = revision
    article.review_status = ReviewStatus.APPROVED
    article.first_published_at = article.first_published_at or approved_at
    article.last_reviewed_at = approved_at
    article.next_review_due = (approved_at + datetime.timedelta(days=365)).date()
    article.reviewed_by = snapshot
    article.save()
    ReviewRecord.objects.create(
        article=article,
        revision=revision,
        approved_at=approved_at,
        content_hash=revision.content_hash,
        reviewers=snapshot,
        is_re_review=is_re_review,
    )
    return article


def make_reviewers(count, **extra):
    """Board members (their users join no group: transactional tests flush the groups)."""
    return [
        BoardMemberFactory(
            user=UserFactory(),
            display_name=f"Dr. Reviewer {index}",
            slug=f"reviewer-{index}-{extra.get('tag', 'x')}",
            credentials="MD, Neurology",
        )
        for index in range(1, count + 1)
    ]


def b12_article(*, slug="vitamin-b12-deficiency-restless-legs", topic=None, author=None):
    """A draft of the demo-like B12 article with five references."""
    kwargs = {"slug": slug}
    if topic is not None:
        kwargs["topic"] = topic
    if author is not None:
        kwargs["authors"] = [author]
    article = ArticleFactory(**kwargs)
    revision = RevisionFactory(
        article=article,
        number=1,
        title="Can vitamin B12 deficiency cause restless legs syndrome?",
        summary=(
            "Yes, it can contribute, although iron deficiency is the better established "
            "nutritional cause [1, 2]."
        ),
        body=B12_BODY,
        patient_body=B12_PATIENT,
    )
    for position, (kind, title, source, year, doi, pmid) in enumerate(B12_REFERENCES, 1):
        ReferenceFactory(
            revision=revision,
            position=position,
            kind=kind,
            title=title,
            source=source,
            year=year,
            doi=doi,
            pmid=pmid,
        )
    return article, revision
