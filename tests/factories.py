"""A factory per model. Tests pass explicit values for the fields under test."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Reference, ReferenceKind, Revision, Topic
from editorial.models import Assignment, Submission, SubmissionKind
from reviewers.models import BoardMember, ConflictKind, ConflictOfInterest

# Every factory user's password: tests re-enter it to e-sign decisions.
TEST_PASSWORD = "pw-for-tests-only"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    password = factory.django.Password(TEST_PASSWORD)

    groups = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, extracted))


def _join(user, names, default=()):
    for name in names if names is not None else default:
        user.groups.add(Group.objects.get(name=name))


class AuthorFactory(UserFactory):
    groups = factory.PostGeneration(lambda user, c, names, **kw: _join(user, names, ["Authors"]))


class ChairFactory(UserFactory):
    is_staff = True
    groups = factory.PostGeneration(
        lambda user, c, names, **kw: _join(user, names, ["Board chair"])
    )


class ReviewerUserFactory(UserFactory):
    is_staff = True
    groups = factory.PostGeneration(lambda user, c, names, **kw: _join(user, names, ["Reviewers"]))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class BoardMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMember
        skip_postgeneration_save = True

    user = factory.SubFactory(ReviewerUserFactory)
    display_name = factory.Sequence(lambda n: f"Dr. Reviewer {n}")
    slug = factory.Sequence(lambda n: f"dr-reviewer-{n}")
    credentials = "MD, Internal Medicine"
    bio = "Practising physician."

    @factory.post_generation
    def specialties(self, create, extracted, **kwargs):
        if create and extracted:
            self.specialties.set(extracted)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"article-{n}")
    topic = factory.SubFactory(TopicFactory)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create:
            self.authors.set(extracted if extracted is not None else [AuthorFactory()])


class RevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Revision

    article = factory.SubFactory(ArticleFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Can question {n} be answered?")
    summary = "Yes, in most cases [1]."
    body = "The evidence is summarised here [1]."
    created_by = factory.LazyAttribute(lambda rev: rev.article.authors.first())


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    revision = factory.SubFactory(RevisionFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = ReferenceKind.GUIDELINE
    title = factory.Sequence(lambda n: f"Guideline {n}")
    source = "Journal of Examples"
    year = 2024
    doi = "10.1000/example"
    pmid = "12345678"


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submission row as created, in ``draft``. Every later state is reached through
    ``editorial.services`` (see the state fixtures in ``tests/conftest.py``)."""

    class Meta:
        model = Submission

    revision = factory.SubFactory(RevisionFactory)
    article = factory.LazyAttribute(lambda submission: submission.revision.article)
    kind = SubmissionKind.NEW
    submitted_by = factory.LazyAttribute(lambda submission: submission.article.authors.first())


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An invited assignment, created directly (tests of the rules go through
    ``editorial.services.assignment_create``)."""

    class Meta:
        model = Assignment

    submission = None  # required: pass a submission
    reviewer = factory.SubFactory(BoardMemberFactory)
    invited_by = factory.LazyAttribute(lambda a: a.submission.submitted_by)
    response_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=4))


class ConflictOfInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictOfInterest

    member = factory.SubFactory(BoardMemberFactory)
    kind = ConflictKind.TOPIC
    topic = factory.SubFactory(TopicFactory)
    reason = "I consult for a manufacturer in this field."
