"""Wagtail pages of the public exchange site."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
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


# ---------------------------------------------------------------- site chrome (issue 16)


@register_setting(icon="site")
class SiteFooterSettings(BaseSiteSetting):
    """The footer of every page: who runs the exchange and its filing numbers (备案号).

    Edited in the Wagtail admin (设置 → 页脚信息); the migration puts demo values on the default
    site. The ICP number links to the MIIT filing system and the public-security number to
    beian.gov.cn, as Chinese regulations ask of every public website."""

    organisation = models.CharField(_("Host organisation"), max_length=100, blank=True)
    address = models.CharField(_("Address"), max_length=200, blank=True)
    phone = models.CharField(_("Service phone"), max_length=50, blank=True)
    email = models.EmailField(_("E-mail"), blank=True)
    opening_hours = models.CharField(_("Opening hours"), max_length=100, blank=True)
    icp_number = models.CharField(_("ICP filing number"), max_length=60, blank=True)
    psb_number = models.CharField(_("Public security filing number"), max_length=60, blank=True)

    panels = [
        FieldPanel("organisation"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("opening_hours"),
        FieldPanel("icp_number"),
        FieldPanel("psb_number"),
    ]

    class Meta:
        verbose_name = _("Site footer")

    # The government's filing sites the numbers link to (a link a visitor follows, not an asset
    # a page loads: templates hold no outside address).
    ICP_FILING_URL = "https://beian.miit.gov.cn/"
    PSB_FILING_URL = "https://beian.mps.gov.cn/#/query/webSearch?code="

    @property
    def psb_record_code(self) -> str:
        """The digits of the public-security number (湘公网安备 43310102000001号 -> 433101...)."""
        return "".join(ch for ch in self.psb_number if ch.isdigit())

    @property
    def icp_url(self) -> str:
        return self.ICP_FILING_URL

    @property
    def psb_url(self) -> str:
        return self.PSB_FILING_URL + self.psb_record_code


class MenuLinkPage(Page):
    """A main-menu entry that points to a page of the exchange's own apps (鉴证核验 → /verify/,
    成交公示 → /announcements/?kind=result). Staff rename, reorder or hide it in the Wagtail admin
    like any page; opening it redirects to the link."""

    link_url = models.CharField(
        _("Link"),
        max_length=200,
        help_text=_("An address on this site, starting with /, e.g. /verify/."),
        validators=[
            RegexValidator(r"^/[^/]", _("Enter an address on this site, starting with /."))
        ],
    )

    content_panels = [*Page.content_panels, FieldPanel("link_url")]
    promote_panels = [FieldPanel("slug"), FieldPanel("show_in_menus")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("Menu link")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect(self.link_url)


class NewsIndexPage(Page):
    """新闻动态: the exchange's news and notices, newest first."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("News index page")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        items = NewsPage.objects.child_of(self).live().order_by("-date", "-id")
        context["page_obj"] = Paginator(items, 20).get_page(request.GET.get("page"))
        return context


class NewsPage(Page):
    """One news item or notice (新闻, 通知)."""

    date = models.DateField(_("Date"), default=timezone.localdate)
    summary = models.CharField(pgettext_lazy("article", "Summary"), max_length=250, blank=True)
    body = RichTextField(_("Text"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("News page")


class SectionPage(Page):
    """A section of the site with its own text and a list of its documents (政策法规, 办事指南)."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ArticlePage"]

    class Meta:
        verbose_name = _("Section page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = ArticlePage.objects.child_of(self).live().specific()
        return context


class ArticlePage(Page):
    """A policy document or a guide: its issuer and document number when it has them."""

    issuer = models.CharField(_("Issued by"), max_length=100, blank=True)
    doc_number = models.CharField(_("Document number"), max_length=60, blank=True)
    date = models.DateField(_("Date"), null=True, blank=True)
    summary = models.CharField(pgettext_lazy("article", "Summary"), max_length=250, blank=True)
    body = RichTextField(_("Text"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("issuer"),
        FieldPanel("doc_number"),
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.SectionPage"]
    subpage_types: list = []

    class Meta:
        verbose_name = _("Article page")


class ContactPage(Page):
    """联系我们: the exchange's own text, its contact details (the footer settings) and every
    township service station with its address, hours and phone, by county."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list = []
    max_count = 1

    class Meta:
        verbose_name = _("Contact page")

    def get_context(self, request, *args, **kwargs):
        from itertools import groupby

        from marketplace.models import ServiceStation

        context = super().get_context(request, *args, **kwargs)
        stations = ServiceStation.objects.select_related("township__county").order_by(
            "township__county__code", "township__name"
        )
        context["counties"] = [
            (county, list(rows)) for county, rows in groupby(stations, lambda s: s.township.county)
        ]
        return context
