"""The Medical Advisory Board: the people who review. Knows articles (topics), nothing of
the workflow."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify


class BoardMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class BoardMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_member"
    )
    display_name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    credentials = models.CharField(max_length=150, help_text='For example "MD, Neurology".')
    specialties = models.ManyToManyField("articles.Topic", blank=True, related_name="experts")
    bio = models.TextField(blank=True, max_length=2000)
    is_active = models.BooleanField("active", default=True)
    max_open_assignments = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_chair = models.BooleanField(
        default=False, help_text="Chairs the board: assigns reviewers and receives escalations."
    )

    objects = BoardMemberQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return f"{self.display_name}, {self.credentials}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.display_name)[:160]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviewers:board") + f"#{self.slug}"

    def public_snapshot(self):
        """What an article keeps of its reviewer (``Article.reviewed_by``)."""
        return {
            "id": self.pk,
            "name": self.display_name,
            "credentials": self.credentials,
            "slug": self.slug,
        }
