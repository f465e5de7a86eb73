"""A household's request at its service station (R-SVC-1) and its three clocks."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from marketplace.models import Household, ServiceStation, User


class Request(FSMModelMixin, models.Model):
    """What a household asked at the desk (walk-in, phone, WeChat), and how it was handled.

    Clock 1: acknowledged within 3 minutes of `received_at`; clock 2: on site within 3 hours when
    it needs a visit; clock 3: resolved or answered within 3 calendar days. A dispute may be
    escalated to exchange staff, who mediate and close it (the record is kept)."""

    class Channel(models.TextChoices):
        WALK_IN = "walk_in", _("Walk-in")
        PHONE = "phone", _("Phone call")
        WECHAT = "wechat", _("WeChat")

    class Topic(models.TextChoices):
        LISTING = "listing", _("Listing")
        CONTRACT = "contract", _("Contract")
        PAYMENT = "payment", _("Payment")
        STORAGE = "storage", _("Land storage")
        INSURANCE = "insurance", _("Insurance")
        DISPUTE = "dispute", _("Dispute or conflict")
        OTHER = "other", _("Other matter")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ESCALATED = "escalated", _("With the exchange for mediation")
        RESOLVED = "resolved", _("Resolved or answered")

    number = models.CharField(_("Request number"), max_length=30, unique=True)
    station = models.ForeignKey(
        ServiceStation, on_delete=models.PROTECT, related_name="requests", verbose_name=_("Station")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="requests", verbose_name=_("Household")
    )
    channel = models.CharField(_("How it came"), max_length=10, choices=Channel.choices)
    topic = models.CharField(_("Topic"), max_length=12, choices=Topic.choices)
    text = models.TextField(_("Request"))
    received_at = models.DateTimeField(_("Received at"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    state = FSMField(_("State"), default=State.RECEIVED, choices=State.choices, protected=True)
    acknowledged_at = models.DateTimeField(_("Acknowledged at"), null=True, blank=True)
    needs_visit = models.BooleanField(_("Needs a site visit"), default=False)
    visited_at = models.DateTimeField(_("On site at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("Resolved at"), null=True, blank=True)
    resolution = models.TextField(_("Answer or resolution"), blank=True)
    escalated_at = models.DateTimeField(_("Escalated at"), null=True, blank=True)
    escalation_note = models.TextField(_("Why it is escalated"), blank=True)
    mediated_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("Desk request")
        verbose_name_plural = _("Desk requests")
        indexes = [models.Index(fields=["station", "received_at"], name="desk_station_month")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True)
                | models.Q(acknowledged_at__gte=models.F("received_at")),
                name="desk_ack_after_received",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True)
                | models.Q(resolved_at__gte=models.F("received_at")),
                name="desk_resolved_after_received",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("desk:request", args=[self.number])

    @property
    def policy_county_id(self):
        return self.station.township.county_id

    @property
    def policy_township_id(self):
        return self.station.township_id

    @transition(field=state, source=State.RECEIVED, target=State.ACKNOWLEDGED)
    def acknowledge(self, *, at):
        self.acknowledged_at = at

    @transition(field=state, source=[State.ACKNOWLEDGED], target=State.ESCALATED)
    def escalate(self, *, at, note):
        self.escalated_at = at
        self.escalation_note = note

    @transition(field=state, source=[State.ACKNOWLEDGED, State.ESCALATED], target=State.RESOLVED)
    def resolve(self, *, at, resolution, mediator=None):
        self.resolved_at = at
        self.resolution = resolution
        if mediator is not None:
            self.mediated_by = mediator


class RequestSequence(models.Model):
    """The last request number of a station in a year (`marketplace.numbering`)."""

    station = models.ForeignKey(ServiceStation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="desk_sequence_unique")
        ]

    def __str__(self):
        return f"{self.station_id}/{self.year}: {self.last}"
