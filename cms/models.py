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


class ListingIndexPage(Page):
    """The public listing index (挂牌项目): search and map over published listings."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ListingPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Listing index page")

    def get_context(self, request, *args, **kwargs):
        from .listing_pages import listing_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_index_context(request))
        return context


class ListingPage(Page):
    """The public page of one listing. Facts come from `listing`; staff edit only the free text."""

    listing = models.OneToOneField(
        "listings.Listing", on_delete=models.PROTECT, related_name="page", null=True
    )
    extra_text = RichTextField(_("Additional information"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("extra_text")]
    parent_page_types = ["cms.ListingIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("Listing page")

    def get_context(self, request, *args, **kwargs):
        from .listing_pages import listing_page_context

        context = super().get_context(request, *args, **kwargs)
        if self.listing_id:
            context.update(listing_page_context(self.listing))
        return context


class AnnouncementIndexPage(Page):
    """Announcements: 挂牌公告, 成交公示, 流拍公告."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.AnnouncementPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Announcement index page")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        pages = (
            AnnouncementPage.objects.child_of(self).live().order_by("-first_published_at", "-id")
        )
        kind = request.GET.get("kind", "")
        if kind in self.announcement_kinds():
            pages = pages.filter(kind=kind)
        context["kinds"] = AnnouncementPage.Kind.choices
        context["kind"] = kind
        context["page_obj"] = Paginator(pages, 20).get_page(request.GET.get("page"))
        return context

    @staticmethod
    def announcement_kinds():
        return AnnouncementPage.Kind.values


class AnnouncementPage(Page):
    """One announcement. Facts come from the listing (and the deal, by its number)."""

    class Kind(models.TextChoices):
        LISTING = "listing", _("Listing announcement")
        RESULT = "result", _("Result announcement")
        FAILED = "failed", _("Failed-listing announcement")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.PROTECT, related_name="announcements", null=True
    )
    deal_number = models.CharField(_("Deal number"), max_length=40, blank=True)
    period_ends_at = models.DateTimeField(_("Period ends at"), null=True, blank=True)
    body = RichTextField(_("Text"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["cms.AnnouncementIndexPage"]
    subpage_types: list = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.kind == self.Kind.LISTING and self.listing_id:
            from .listing_pages import listing_page_context

            context.update(listing_page_context(self.listing))
            context["listing_page_url"] = (
                self.listing.page.url if hasattr(self.listing, "page") else ""
            )
        return context

    def get_template(self, request, *args, **kwargs):
        if self.kind in (self.Kind.RESULT, self.Kind.FAILED):
            return "cms/deal_announcement_page.html"
        return super().get_template(request, *args, **kwargs)

    class Meta:
        verbose_name = _("Announcement page")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "listing", "deal_number"], name="announcement_unique_per_subject"
            )
        ]
