"""Notices on approved articles (correction, update, expression of concern, retraction):
the chair adds one through ``notice_issue``; none is ever changed or deleted."""

from django import forms
from django.contrib import admin

from articles.models import Article, Notice, NoticeKind
from editorial import services
from editorial.roles import is_chair


class NoticeForm(forms.ModelForm):
    article = forms.ModelChoiceField(queryset=Article.objects.published().order_by("slug"))

    class Meta:
        model = Notice
        fields = ["article", "kind", "reason"]
        help_texts = {"reason": "Shown to readers at the top of the article and in the feed."}

    def clean(self):
        cleaned = super().clean()
        article = cleaned.get("article")
        if article and article.notices.filter(kind=NoticeKind.RETRACTION).exists():
            raise forms.ValidationError("This article has been retracted.")
        return cleaned


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    form = NoticeForm
    list_display = ["article", "kind", "issued_at", "issued_by"]
    list_filter = ["kind"]
    list_select_related = ["article"]
    search_fields = ["article__slug", "reason"]
    readonly_fields = ["issued_at", "issued_by"]

    def has_module_permission(self, request):
        return is_chair(request.user)

    def has_view_permission(self, request, obj=None):
        return is_chair(request.user)

    def has_add_permission(self, request):
        return is_chair(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        notice = services.notice_issue(
            article=form.cleaned_data["article"],
            actor=request.user,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
        )
        obj.pk = notice.pk
        obj.issued_at, obj.issued_by = notice.issued_at, notice.issued_by
