"""The editorial office in the Django admin, one module per aggregate. Importing them
registers their model admins; the screens and buttons they wire into the admin's URLs are
views in ``editorial.views``."""

from editorial.admin import (  # noqa: F401 - imported to register the model admins
    articles,
    assignments,
    audit,
    board,
    decisions,
    feedback,
    notices,
    outbox,
    policy,
    submissions,
    webhooks,
)
