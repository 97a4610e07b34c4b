"""Reader views: readers see approved revisions only (and, when the editorial policy
publishes pending articles, a submitted one marked pending and noindex)."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from articles import diffs, page_cache, reader_query, selectors, stored_html, text
from articles.client_ip import client_ip
from articles.feedback import feedback_rate_limited, feedback_submit
from articles.forms import FeedbackForm
from articles.models import FeedbackKind, Revision
from articles.presentation import (
    AUDIENCE_COOKIE,
    AUDIENCES,
    absolute,
    audience_from,
    plain_summary,
    reader_context,
)
from articles.rendering import render_markdown, truncate

PAGE_SIZE = 20
AUDIENCE_COOKIE_AGE = 365 * 24 * 60 * 60
SEARCH_MAX_LENGTH = 200


@require_GET
def article_list(request):
    query = text.search_query(request.GET.get("q", "")[:SEARCH_MAX_LENGTH])
    asked_topic = request.GET.get("topic", "").strip()
    topic_slug = text.slug_or_empty(asked_topic)
    articles = selectors.search_published(query=query, topic_slug=topic_slug)
    if asked_topic and not topic_slug:  # not a slug (?topic=%00): no such topic
        articles = articles.none()
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for article in page.object_list:
        article.summary_text = truncate(stored_html.summary_text(article.published_revision), 220)
    # The reader's words marked in each result's question and summary (PostgreSQL).
    marked = selectors.highlight_matches(
        [a.published_revision.title for a in page.object_list]
        + [a.summary_text for a in page.object_list],
        query,
    )
    if marked:
        count = len(page.object_list)
        for article, title, summary in zip(
            page.object_list, marked[:count], marked[count:], strict=True
        ):
            article.title_marked, article.summary_marked = title, summary
    topics = list(selectors.topics_with_published_articles())
    pending = []
    if not query and page.number == 1:
        pending = selectors.pending_articles()
        if topic_slug:
            pending = pending.filter(topic__slug=topic_slug)
        pending = list(pending[:PAGE_SIZE])
    keep = {key: value for key, value in (("q", query), ("topic", topic_slug)) if value}
    return render(
        request,
        "articles/list.html",
        {
            "page": page,
            "pending": pending,
            "query": query,
            "topics": topics,
            "topic": next((t for t in topics if t.slug == topic_slug), None),
            "topic_slug": topic_slug,
            "page_query": urlencode(keep),
            "noindex": bool(query) or page.number > 1,
        },
    )


def _audience(request):
    """The reader's audience and whether they chose it just now (``?audience=``, from the
    form that works without JavaScript)."""
    chosen = request.GET.get("audience")
    if chosen in AUDIENCES:
        return chosen, True
    return audience_from(request.COOKIES.get(AUDIENCE_COOKIE)), False


def _shown(slug):
    """The article and the revision readers get, or 404: the published revision, or (if
    the policy publishes pending articles, site-wide or for the article's topic) the one in
    review of a never-approved article."""
    return _shown_of(selectors.reader_article(slug))


def _shown_of(article):
    if article is None:
        raise Http404("No article here.")
    if article.published_revision_id:
        return article, article.published_revision
    revision = None
    if article.topic.publish_pending or selectors.editorial_policy()["publish_pending"]:
        revision = selectors.pending_revision(article)
    if revision is None:
        raise Http404("No article here.")
    return article, revision


def _render_article(slug, audience):
    rows = reader_query.page_rows(slug)  # PostgreSQL: one prepared query
    if rows is not None and rows.history is not None:  # published
        article, references, related, history = rows
        revision = article.published_revision
    else:  # pending, missing, or SQLite
        article, revision = _shown_of(rows.article) if rows is not None else _shown(slug)
        references = related = None  # references: read only if its HTML must be rendered
        # A never-approved article has no review history: save the query.
        history = None if article.published_revision_id else []
    context = reader_context(
        article=article,
        revision=revision,
        references=references,
        audience=audience,
        related=related,
        history=history,
    )
    # Rendered without the request, so nothing of the visitor (user, CSRF token, messages)
    # can reach a page that is then served to everyone.
    context["site_name"] = settings.SITE_NAME
    scopes = page_cache.page_scopes(
        article_id=article.pk,
        topic_id=article.topic_id,
        related_ids=[row["pk"] for row in context["related"]],
    )
    return render_to_string("articles/detail.html", context).encode("utf-8"), scopes


@require_GET
def article_detail(request, slug):
    audience, chosen = _audience(request)
    html = page_cache.cached_page(slug, audience)
    hit = html is not None
    if not hit:
        started = page_cache.render_started()  # before reading rows: see page_cache
        html, scopes = _render_article(slug, audience)
        page_cache.store_page(slug, audience, html, rendered_at=started, scopes=scopes)
    response = HttpResponse(html)
    response["X-Reader-Cache"] = "hit" if hit else "miss"
    # Set outright (nothing upstream has set them): this is the hot path of the site.
    response["Vary"] = "Cookie"  # the audience
    response["Cache-Control"] = "no-cache"
    if chosen:
        response.set_cookie(
            AUDIENCE_COOKIE,
            audience,
            max_age=AUDIENCE_COOKIE_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,  # Secure wherever the session cookie is
        )
    return response


@require_http_methods(["GET", "POST"])
def article_feedback(request, slug):
    """The follow-up question / error report form, reached from the article page's "Ask a
    follow-up question" and "Report an error" links (``?kind=``, and ``?revision=`` the
    revision the reader was shown). It is a page of its own so that the article page
    carries no per-visitor CSRF token and can be served from the cache to everyone."""
    article, revision = _shown(slug)
    status = 200
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        limited = feedback_rate_limited(address=client_ip(request))
        if form.is_bot():  # pretend it worked; file nothing
            return _see_thanks(slug)
        if limited:
            status = 429
            form.add_error(
                None,
                "You have sent several messages in a short time. Please wait a few minutes "
                "and try again.",
            )
        elif form.is_valid():
            feedback_submit(
                article=article,
                revision=_read_revision(article, form.cleaned_data["revision"]) or revision,
                kind=form.cleaned_data["kind"],
                message=form.cleaned_data["message"],
                email=form.cleaned_data["email"],
                audience=audience_from(request.COOKIES.get(AUDIENCE_COOKIE)),
            )
            return _see_thanks(slug)
        else:
            status = 400
    else:
        kind = request.GET.get("kind")
        form = FeedbackForm(
            initial={
                "kind": kind if kind in FeedbackKind.values else FeedbackKind.QUESTION,
                "revision": (_read_revision(article, request.GET.get("revision")) or revision).pk,
            }
        )
    return render(
        request,
        "articles/feedback.html",
        {"article": article, "revision": revision, "form": form},
        status=status,
    )


def _see_thanks(slug):
    response = redirect("articles:feedback_thanks", slug=slug)
    response.status_code = 303  # See Other: a reload must not post again
    return response


def _read_revision(article, revision_id):
    """The revision the reader was shown, if the form names a submitted revision of this
    article (a page cached just before an approval shows the previous one)."""
    if not str(revision_id or "").isdigit():
        return None
    return Revision.objects.filter(pk=revision_id, article=article, locked_at__isnull=False).first()


@require_GET
def article_feedback_thanks(request, slug):
    article, revision = _shown(slug)
    return render(
        request, "articles/feedback_thanks.html", {"article": article, "revision": revision}
    )


@require_GET
def article_changes(request, slug, old, new):
    """What changed between two approved revisions of one published article; 404 for
    anything else (drafts, rejected revisions, other articles' revisions)."""
    article = selectors.published_articles().filter(slug=slug).first()
    if article is None or old >= new:
        raise Http404("No such comparison.")
    older = selectors.approved_revision(article, old)
    newer = selectors.approved_revision(article, new)
    if older is None or newer is None:
        raise Http404("No such comparison.")
    records = {r.revision_id: r for r in selectors.review_history(article)}
    return render(
        request,
        "articles/changes.html",
        {
            "article": article,
            "older": older,
            "newer": newer,
            "older_record": records.get(older.pk),
            "newer_record": records.get(newer.pk),
            "fields": diffs.compare_revisions(older, newer),
        },
    )


@require_GET
def editorial_policy(request):
    policy = selectors.editorial_policy()
    return render(
        request,
        "articles/editorial_policy.html",
        {
            "policy": policy,
            "pending_topics": selectors.topics_publishing_pending(),
            "policy_html": render_markdown(policy["policy_text"]),
            "canonical_url": absolute(reverse("editorial_policy")),
            "meta_description": plain_summary(policy["policy_text"])
            or "How our Medical Advisory Board reviews every article before it is published.",
        },
    )
