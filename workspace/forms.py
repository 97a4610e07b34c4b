"""The author's editor: the article's content and details, and its references."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import Q

from articles.models import Article, Reference, ReferenceKind, Revision, Topic
from articles.services import (
    CONTENT_FIELDS,
    SLUG_TAKEN_MESSAGE,
    YEAR_STORABLE_MAX,
    slug_is_editable,
)
from articles.text import MultiLineField, SingleLineField, TitleField
from workspace import checks

AUTHORS_GROUP = "Authors"
MAX_REFERENCES = 100
MAX_COAUTHORS = 20
REFERENCE_CONTENT_FIELDS = ("title", "source", "year", "doi", "pmid", "url")
REFERENCES_PREFIX = "refs"
MAX_RELATED = 50
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z"


def _model_max_length(model, name):
    return model._meta.get_field(name).max_length


def _normalize_newlines(text):
    """Browsers send CRLF from text areas; store one form so content hashes and diffs
    do not change with the browser."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class RelatedArticlesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.published_revision.title


class ArticleForm(forms.Form):
    title = TitleField(
        label="Question",
        max_length=_model_max_length(Revision, "title"),
        help_text="The reader's question, as they would ask it.",
    )
    summary = MultiLineField(
        label="Answer summary",
        required=False,
        max_length=_model_max_length(Revision, "summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"The direct answer, shown first in bold: at most {checks.SUMMARY_MAX_WORDS} words. "
            "Cite references as [1]."
        ),
    )
    body = MultiLineField(
        label="Body (Markdown)",
        required=False,
        max_length=_model_max_length(Revision, "body"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="## for headings, - for lists, **bold**. Cite as [1], [1, 2] or [1-3].",
    )
    patient_summary = MultiLineField(
        label="Plain-language summary",
        required=False,
        max_length=_model_max_length(Revision, "patient_summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "The answer in everyday words, shown first to patients and caregivers instead of "
            "the summary above. Needed when there is a plain-language version."
        ),
    )
    patient_safety_note = MultiLineField(
        label="Plain-language safety note",
        required=False,
        max_length=_model_max_length(Revision, "patient_safety_note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "What a patient must not miss (warning signs, when to get help), shown in the "
            "safety box of the plain-language version. Needed when there is one."
        ),
    )
    patient_body = MultiLineField(
        label="Plain-language patient version (optional, Markdown)",
        required=False,
        max_length=_model_max_length(Revision, "patient_body"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "For patients and caregivers. Aim for US grade "
            f"{checks.PATIENT_MAX_GRADE} or below: short sentences, everyday words."
        ),
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.order_by("name"), empty_label="Choose a topic"
    )
    slug = forms.CharField(
        label="Page address",
        required=False,
        max_length=_model_max_length(Article, "slug"),
        validators=[
            RegexValidator(
                SLUG_PATTERN,
                "Use lowercase letters, digits and single hyphens, such as b12-and-restless-legs.",
            )
        ],
        help_text="The last part of the article's address, as in /articles/b12-and-restless-legs/. "
        "Left empty, it is made from the question. It is fixed once you submit.",
    )
    coauthors = SingleLineField(
        label="Co-authors",
        required=False,
        max_length=2000,
        help_text="Usernames or email addresses of other authors, separated by commas.",
    )
    related = RelatedArticlesField(
        label="Related questions",
        required=False,
        queryset=Article.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "related-choices"}),
        help_text="Published articles readers may want next, listed under the answer.",
    )

    def __init__(self, *args, user, article=None, **kwargs):
        self.user = user
        self.article = article
        super().__init__(*args, **kwargs)
        self.slug_locked = article is not None and not slug_is_editable(article)
        if self.slug_locked:
            del self.fields["slug"]
        published = Article.objects.published().select_related("published_revision")
        if article is not None:
            published = published.exclude(pk=article.pk)
        self.fields["related"].queryset = published.order_by("published_revision__title")

    def clean_summary(self):
        return _normalize_newlines(self.cleaned_data["summary"])

    def clean_body(self):
        return _normalize_newlines(self.cleaned_data["body"])

    def clean_patient_body(self):
        return _normalize_newlines(self.cleaned_data["patient_body"])

    def clean_patient_summary(self):
        return _normalize_newlines(self.cleaned_data["patient_summary"])

    def clean_patient_safety_note(self):
        return _normalize_newlines(self.cleaned_data["patient_safety_note"])

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip()
        if (
            slug
            and Article.objects.filter(slug=slug)
            .exclude(pk=getattr(self.article, "pk", None))
            .exists()
        ):
            raise forms.ValidationError(SLUG_TAKEN_MESSAGE)
        return slug

    def clean_related(self):
        """The chosen articles, those already linked first in their order, then the new
        ones in the order listed. A link to an article not offered (one not published,
        linked by the editors) is kept: the author could not have unticked it."""
        chosen = list(self.cleaned_data["related"])
        if self.article is None:
            return chosen
        links = list(self.article.related_links.select_related("related"))
        offered = set(
            self.fields["related"]
            .queryset.filter(pk__in=[link.related_id for link in links])
            .values_list("pk", flat=True)
        )
        chosen += [link.related for link in links if link.related_id not in offered]
        order = {link.related_id: link.position for link in links}
        return sorted(chosen, key=lambda other: order.get(other.pk, MAX_RELATED + 1))

    def clean_coauthors(self):
        """The co-authors as users: each name must be an active member of Authors."""
        names = [name for name in re.split(r"[\s,;]+", self.cleaned_data["coauthors"]) if name]
        if len(names) > MAX_COAUTHORS:
            raise forms.ValidationError(f"At most {MAX_COAUTHORS} co-authors.")
        users, unknown = {}, []
        for name in dict.fromkeys(names):
            matches = list(
                get_user_model()
                .objects.filter(is_active=True, groups__name=AUTHORS_GROUP)
                .filter(Q(username__iexact=name) | Q(email__iexact=name))
                .distinct()[:2]
            )
            if len(matches) != 1:
                unknown.append(name)
            elif matches[0].pk != self.user.pk:
                users[matches[0].pk] = matches[0]
        if unknown:
            raise forms.ValidationError(
                "No single author account has the username or email: %(names)s.",
                params={"names": ", ".join(unknown)},
            )
        return list(users.values())

    def content(self):
        return {name: self.cleaned_data[name] for name in CONTENT_FIELDS}

    def new_slug(self):
        """The slug to set, or ``None`` to keep the article's (or make one from the title)."""
        return None if self.slug_locked else self.cleaned_data["slug"] or None

    def authors(self):
        """Everyone who may edit the article after this save: the editing user and the
        co-authors named."""
        return [self.user, *self.cleaned_data["coauthors"]]

    @staticmethod
    def initial_for(article, revision, user):
        return {
            "title": revision.title,
            "summary": revision.summary,
            "body": revision.body,
            "patient_body": revision.patient_body,
            "patient_summary": revision.patient_summary,
            "patient_safety_note": revision.patient_safety_note,
            "topic": article.topic_id,
            "slug": article.slug,
            "related": [link.related_id for link in article.related_links.all()],
            "coauthors": ", ".join(
                author.get_username() for author in article.authors.all() if author.pk != user.pk
            ),
        }


class ReferenceForm(forms.Form):
    position = forms.IntegerField(
        label="No.",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REFERENCES)],
        help_text="Cited in the text as [No.]",
        widget=forms.NumberInput(attrs={"class": "position"}),
    )
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose…"), *ReferenceKind.choices])
    title = TitleField(label="Title", max_length=_model_max_length(Reference, "title"))
    source = SingleLineField(
        label="Source",
        max_length=_model_max_length(Reference, "source"),
        help_text="Journal, publisher or issuing body.",
    )
    year = forms.IntegerField(label="Year")
    doi = SingleLineField(
        label="DOI",
        required=False,
        max_length=_model_max_length(Reference, "doi") + 30,
        help_text="Such as 10.1056/NEJMoa2034577 (a doi.org link is fine).",
    )
    pmid = SingleLineField(
        label="PMID",
        required=False,
        max_length=_model_max_length(Reference, "pmid"),
        help_text="1 to 8 digits.",
    )
    url = forms.URLField(
        label="Web address",
        required=False,
        max_length=_model_max_length(Reference, "url"),
        assume_scheme="https",
    )
    cited_as_retracted = forms.BooleanField(
        label="Cited as retracted",
        required=False,
        help_text="Tick if this work was retracted and you cite it as such.",
    )

    def has_changed(self):
        """A reference form with nothing but a number and a kind is an unused slot: the
        formset skips it instead of asking for a title."""
        return any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in REFERENCE_CONTENT_FIELDS
        )

    # A future year or a malformed DOI or PMID is kept in the draft and listed in the
    # checklist, which blocks submission until it is fixed (workspace.checks): the author
    # does not lose their work to a typo. Only what cannot be stored is refused here.

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 0 <= year <= YEAR_STORABLE_MAX:
            raise forms.ValidationError("Enter the year of publication, such as 2021.")
        return year

    def clean_doi(self):
        doi = checks.normalize_doi(self.cleaned_data["doi"])
        if len(doi) > _model_max_length(Reference, "doi"):
            raise forms.ValidationError("This DOI is too long.")
        return doi

    def clean_pmid(self):
        return checks.normalize_pmid(self.cleaned_data["pmid"])

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url and not checks.url_is_valid(url):
            raise forms.ValidationError("Enter a web address starting with http:// or https://.")
        return url


class BaseReferenceFormSet(forms.BaseFormSet):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", REFERENCES_PREFIX)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        """Every slot may be left empty (that removes a reference); new slots offer the
        next free number."""
        kwargs = {"empty_permitted": True}
        if not self.is_bound and index >= len(self.initial or ()):
            used = [row.get("position") or 0 for row in self.initial or ()]
            kwargs["initial"] = {"position": max(used, default=0) + 1 + index - len(used)}
        return kwargs

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = "Remove this reference"

    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for form in self.kept_forms():
            position = form.cleaned_data["position"]
            if position in seen:
                raise forms.ValidationError(
                    "Two references have the number %(position)s: give each its own number.",
                    params={"position": position},
                    code="duplicate_position",
                )
            seen[position] = form

    def kept_forms(self):
        return [
            form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)
        ]

    def references(self):
        """The references to save, as dicts, in number order."""
        rows = [
            {
                name: form.cleaned_data[name]
                for name in ("position", "kind", *REFERENCE_CONTENT_FIELDS, "cited_as_retracted")
            }
            for form in self.kept_forms()
        ]
        return sorted(rows, key=lambda row: row["position"])


ReferenceFormSet = forms.formset_factory(
    ReferenceForm,
    formset=BaseReferenceFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_REFERENCES,
    validate_max=True,
    absolute_max=MAX_REFERENCES + 20,
)


def reference_formset(data=None, *, references=(), extra=None):
    """The references editor, bound to ``data`` or showing ``references`` (model rows)."""
    initial = [ref.canonical() for ref in references]
    formset = ReferenceFormSet(data=data, initial=initial or None)
    if data is None:
        formset.extra = extra if extra is not None else (1 if initial else 3)
    return formset


def with_another_reference(data):
    """A copy of a submitted editor's data with one more, empty reference slot, or the
    data unchanged if the management form is broken or full."""
    data = data.copy()
    key = f"{REFERENCES_PREFIX}-TOTAL_FORMS"
    try:
        total = int(data.get(key, ""))
    except ValueError:
        return data
    if not 0 <= total < MAX_REFERENCES:
        return data
    numbers = []
    for index in range(total):
        value = data.get(f"{REFERENCES_PREFIX}-{index}-position", "")
        # isdecimal, not isdigit: "²" is a digit that int() refuses.
        if value.isdecimal():
            numbers.append(int(value))
    data[key] = str(total + 1)
    data[f"{REFERENCES_PREFIX}-{total}-position"] = str(max(numbers, default=0) + 1)
    return data


class SubmitForm(forms.Form):
    note = MultiLineField(
        label="Note to reviewers",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, resubmission=False, **kwargs):
        super().__init__(*args, **kwargs)
        if resubmission:
            self.fields["note"].required = True
            self.fields["note"].label = "Note to reviewers: what changed"
            self.fields["note"].help_text = "Say how you answered each comment."


class WithdrawForm(forms.Form):
    reason = MultiLineField(
        label="Reason (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Withdrawing is one click away from the submit button's place: ask once more.
    confirm = forms.BooleanField(
        label="Yes, take this version out of review",
        error_messages={"required": "Tick the box to confirm you want to withdraw it."},
    )
