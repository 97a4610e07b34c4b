from django.shortcuts import render

from reviewers.models import BoardMember


def board(request):
    members = BoardMember.objects.active().prefetch_related("specialties")
    return render(request, "reviewers/board.html", {"members": members})
