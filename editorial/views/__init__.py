"""The board's screens and buttons as plain views, wired into the admin site's URLs by the
model admins (``editorial.admin``) and wrapped with ``admin_view``: the reviewer's review
screen and queue buttons (``review``), the chair's board view and its buttons (``board``),
and the buttons on a submission's or a report's page (``actions``).

Every button POSTs (with CSRF) to a view that calls one service; refusals and form errors
come back as admin messages on the page the button was on; a form with errors on the review
screen is shown again with status 400. Reviewers see only their own assignments and what
those pin; anything else is 404 to them."""
