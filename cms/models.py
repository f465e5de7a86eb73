"""Wagtail pages of the public exchange site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class HomePage(Page):
    """The public front page: what the exchange is, latest listings and announcements."""

    intro = RichTextField(_("Introduction"), blank=True)
    hotline = models.CharField(_("Hotline"), max_length=50, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("hotline")]
    max_count = 1

    class Meta:
        verbose_name = _("Home page")

    def get_context(self, request, *args, **kwargs):
        from .home import home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_context(request))
        return context
