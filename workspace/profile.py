"""The author's profile in the workspace: their self-reported ORCID iD, which the article
page shows beside their name and names in its JSON-LD."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from articles.models import AuthorProfile
from workspace.views import author_required


class OrcidForm(forms.ModelForm):
    class Meta:
        model = AuthorProfile
        fields = ["orcid"]


@author_required
def profile(request):
    instance = AuthorProfile.objects.filter(user=request.user).first() or AuthorProfile(
        user=request.user
    )
    form = OrcidForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(
                request,
                "Your ORCID iD is saved." if form.instance.orcid else "Your ORCID iD is removed.",
            )
            return redirect("author:profile")
        return render(request, "workspace/profile.html", {"form": form}, status=400)
    return render(request, "workspace/profile.html", {"form": form})
