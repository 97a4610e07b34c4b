"""The three roles, the model permissions each group holds, and who counts as chair.

Object-level rules (a reviewer sees only what they are assigned to; an author only their
own work) are enforced in code on top of these. ``ensure_groups`` runs after every
``migrate`` and every ``flush`` (post_migrate), so the groups always match this table;
migration 0003 created them first.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

CHAIR_GROUP = "Board chair"
# Members of this group are authors: the workspace admits them, articles may name them.
AUTHORS_GROUP = "Authors"
# The one test of "is this person the chair": permissions and chair emails both use it.
CHAIR_PERMISSION = "editorial.assign_reviewers"

ROLE_PERMISSIONS = {
    AUTHORS_GROUP: [
        "articles.view_topic",
    ],
    "Reviewers": [
        "articles.view_article",
        "articles.view_revision",
        "articles.view_reference",
        "articles.view_topic",
        "editorial.view_submission",
        "editorial.view_assignment",
        "editorial.view_decision",
        "editorial.view_editorialpolicy",
        "reviewers.view_boardmember",
        "reviewers.view_conflictofinterest",
        "reviewers.add_conflictofinterest",
    ],
    CHAIR_GROUP: [
        "articles.view_article",
        "articles.change_article",
        "articles.view_revision",
        "articles.view_reference",
        "articles.view_topic",
        "articles.add_topic",
        "articles.change_topic",
        "articles.view_relatedquestion",
        "articles.add_relatedquestion",
        "articles.change_relatedquestion",
        "articles.delete_relatedquestion",
        "articles.view_reviewrecord",
        "articles.view_feedback",
        "articles.change_feedback",
        "editorial.view_submission",
        "editorial.view_assignment",
        "editorial.change_assignment",
        "editorial.view_decision",
        "editorial.assign_reviewers",
        "editorial.decide_submission",
        "editorial.view_editorialpolicy",
        "editorial.change_editorialpolicy",
        "editorial.view_auditentry",
        "editorial.view_notification",
        "reviewers.view_boardmember",
        "reviewers.add_boardmember",
        "reviewers.change_boardmember",
        "reviewers.view_conflictofinterest",
        "reviewers.add_conflictofinterest",
        # Sign-in attempts and lockouts, recorded by django-axes.
        "axes.view_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
    ],
}


def ensure_groups(**kwargs):
    """Create the groups and give each exactly the permissions in ``ROLE_PERMISSIONS``."""
    from django.contrib.auth.models import Group, Permission

    for name, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in dotted_names:
            app_label, codename = dotted.split(".")
            wanted.append((app_label, codename))
        permissions = [
            permission
            for permission in Permission.objects.filter(
                content_type__app_label__in={app for app, _ in wanted},
                codename__in={codename for _, codename in wanted},
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)


def is_chair(user):
    """Whether ``user`` acts as the board chair (a superuser does too)."""
    return user.has_perm(CHAIR_PERMISSION)


def chair_users():
    """The active users ``is_chair`` is true for."""
    return get_user_model().objects.with_perm(
        CHAIR_PERMISSION,
        is_active=True,
        include_superusers=True,
        # Named: django-axes' backend (sign-in lockouts) stands first and grants nothing.
        backend="django.contrib.auth.backends.ModelBackend",
    )


def chairs():
    """The chairs to email: ``chair_users`` with an address."""
    return chair_users().exclude(email="")


def chairing():
    """An annotation for board members: whether the member's user is a chair."""
    return Exists(chair_users().filter(pk=OuterRef("user_id")))
