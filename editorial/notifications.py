"""Emails about workflow events, each with a plain-text and an HTML part."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from editorial.models import AuditEntry, Submission

SUBJECTS = {
    "submission.submit": "Submitted for review: {title}",
    "submission.resubmit": "Resubmitted for review: {title}",
    "submission.start_review": "Review started: {title}",
    "submission.request_changes": "Changes requested: {title}",
    "submission.approve": "Approved and published: {title}",
    "submission.reject": "Not approved: {title}",
    "submission.withdraw": "Withdrawn from review: {title}",
}


def send_for_audit_entry(audit_entry_id):
    """Send the authors' email for one audit entry. Returns the number of emails sent."""
    entry = AuditEntry.objects.select_related("article").filter(pk=audit_entry_id).first()
    if entry is None or entry.action not in SUBJECTS or entry.target_type != "editorial.submission":
        return 0
    submission = (
        Submission.objects.select_related("revision", "article")
        .prefetch_related("article__authors")
        .get(pk=entry.target_id)
    )
    recipients = [author.email for author in submission.article.authors.all() if author.email]
    if not recipients:
        return 0
    context = {
        "entry": entry,
        "submission": submission,
        "title": submission.revision.title,
        "link": settings.SITE_URL
        + reverse("admin:editorial_submission_change", args=[submission.pk]),
        "site_name": settings.SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=SUBJECTS[entry.action].format(title=submission.revision.title[:120]),
        body=render_to_string("editorial/email/event.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
    )
    message.attach_alternative(render_to_string("editorial/email/event.html", context), "text/html")
    message.send()
    return 1
