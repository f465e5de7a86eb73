"""Regions, parties, users with roles, working-day overrides and the audit log.

Names follow shared/domain/GLOSSARY.md.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from .validators import uscc_organisation_type, validate_id_number, validate_uscc

digits = RegexValidator(r"^\d+$", _("Digits only."))


# ---------------------------------------------------------------- regions


class Prefecture(models.Model):
    code = models.CharField(_("Code"), max_length=6, unique=True, validators=[digits])
    name = models.CharField(_("Name"), max_length=50)
    seat = models.CharField(_("Seat"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("Prefecture")
        verbose_name_plural = _("Prefectures")

    def __str__(self):
        return self.name


class County(models.Model):
    """A county or county-level city; `code` is the national 6-digit division code."""

    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="counties")
    code = models.CharField(_("County code"), max_length=6, unique=True, validators=[digits])
    name = models.CharField(_("Name"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("County")
        verbose_name_plural = _("Counties")

    def __str__(self):
        return self.name


class Township(models.Model):
    """A township (乡镇/街道). `code` is 3 digits within the county (demo codes: is_demo)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships")
    code = models.CharField(_("Township code"), max_length=3, validators=[digits])
    name = models.CharField(_("Name"), max_length=50)
    is_demo_code = models.BooleanField(_("Demo code"), default=False)

    class Meta:
        ordering = ["county__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="township_code_unique"),
            models.UniqueConstraint(fields=["county", "name"], name="township_name_unique"),
        ]
        verbose_name = _("Township")
        verbose_name_plural = _("Townships")

    def __str__(self):
        return f"{self.county.name}{self.name}"

    @property
    def full_code(self):
        return f"{self.county.code}{self.code}"


class Village(models.Model):
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="villages")
    code = models.CharField(_("Village code"), max_length=3, validators=[digits])
    name = models.CharField(_("Name"), max_length=50)
    group_count = models.PositiveSmallIntegerField(_("Number of groups"), default=6)
    is_demo_code = models.BooleanField(_("Demo code"), default=False)

    class Meta:
        ordering = ["township__county__code", "township__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["township", "code"], name="village_code_unique"),
        ]
        verbose_name = _("Village")
        verbose_name_plural = _("Villages")

    def __str__(self):
        return f"{self.township}{self.name}"

    @property
    def full_code(self):
        """County + township + village: the first 12 digits of a parcel code (R-RIGHT-2)."""
        return f"{self.township.full_code}{self.code}"


# ---------------------------------------------------------------- parties


class Household(models.Model):
    """A contract-holding household (农户/承包方). `village` is where its land is (R-RIGHT-6)."""

    name = models.CharField(_("Head of household"), max_length=50)
    id_number = models.CharField(
        _("Resident ID number"),
        max_length=18,
        unique=True,
        validators=[validate_id_number],
    )
    phone = models.CharField(_("Phone"), max_length=20, blank=True)
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("Village of the land"),
    )
    is_relocated = models.BooleanField(_("Relocated household"), default=False)
    current_address = models.CharField(_("Current address"), max_length=200, blank=True)
    bank_name = models.CharField(_("Bank"), max_length=100, blank=True)
    bank_account = models.CharField(
        _("Bank account"),
        max_length=32,
        blank=True,
        validators=[RegexValidator(r"^\d{12,30}$", _("Digits."))],
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["village", "name"]
        indexes = [models.Index(fields=["name"])]
        verbose_name = _("Household")
        verbose_name_plural = _("Households")

    def __str__(self):
        return self.name

    @property
    def township(self):
        return self.village.township

    @property
    def masked_name(self):
        """Public form of the name (R-LIST-7): 张** ."""
        return mask_name(self.name)


def mask_name(name):
    """R-LIST-7: a natural person's public name is the surname and two stars, whatever the
    name's length (张** for 张三 and 张三丰 alike); callers showing a household prefix 村民."""
    if not name:
        return ""
    return name[0] + "**"


class Collective(models.Model):
    """A village's collective economic organisation (发包方)."""

    village = models.OneToOneField(Village, on_delete=models.PROTECT, related_name="collective")
    name = models.CharField(_("Name"), max_length=100)
    uscc = models.CharField(_("USCC"), max_length=18, blank=True, validators=[validate_uscc])
    representative = models.CharField(_("Representative"), max_length=50, blank=True)
    phone = models.CharField(_("Phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Village collective")
        verbose_name_plural = _("Village collectives")

    def __str__(self):
        return self.name


class Enterprise(models.Model):
    """An agribusiness that bids (新型农业经营主体)."""

    class Kind(models.TextChoices):
        LEADING = "leading", _("Leading enterprise")
        COOPERATIVE = "cooperative", _("Cooperative")
        FAMILY_FARM = "family_farm", _("Family farm")
        LARGE_GROWER = "large_grower", _("Large grower")
        COMPANY = "company", _("Other company")

    name = models.CharField(_("Name"), max_length=100)
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    uscc = models.CharField(
        _("USCC"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
    )
    id_number = models.CharField(
        _("Resident ID number"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
        help_text=_("Natural-person growers only."),
    )
    is_commercial_capital = models.BooleanField(_("Commercial capital"), default=False)
    collective_village = models.ForeignKey(
        Village,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_enterprises",
        verbose_name=_("Member of the collective of"),
    )
    legal_representative = models.CharField(_("Legal representative"), max_length=50)
    contact_name = models.CharField(_("Contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("Phone"), max_length=20, blank=True)
    address = models.CharField(_("Address"), max_length=200, blank=True)
    bank_name = models.CharField(_("Bank"), max_length=100, blank=True)
    bank_account = models.CharField(
        _("Bank account"),
        max_length=32,
        blank=True,
        validators=[RegexValidator(r"^\d{12,30}$", _("Digits."))],
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="enterprise_uscc_unique"
            ),
        ]
        verbose_name = _("Agribusiness")
        verbose_name_plural = _("Agribusinesses")

    def __str__(self):
        return self.name

    @property
    def is_natural_person(self):
        return self.kind == self.Kind.LARGE_GROWER and not self.uscc

    @property
    def is_company(self):
        """A company (有限公司, 股份公司 …): registered in that form, or an enterprise by its USCC
        (authority 9, type 1); a farmers' cooperative (9-3) is not one (R-REG-3)."""
        return self.kind == self.Kind.COMPANY or uscc_organisation_type(self.uscc) == "91"

    @property
    def is_individual_business(self):
        """An individual business (个体工商户, USCC 9-2): legally a natural person's (R-REG-3)."""
        return uscc_organisation_type(self.uscc) == "92"

    def clean(self):
        """R-REG-1: organisations need a USCC; a natural-person grower needs an ID number."""
        if self.kind == self.Kind.LARGE_GROWER:
            if not self.uscc and not self.id_number:
                raise ValidationError(
                    {"id_number": _("A large grower needs a USCC or a resident ID number.")}
                )
        elif not self.uscc:
            raise ValidationError({"uscc": _("This kind needs a USCC.")})


class ServiceStation(models.Model):
    """A township service station (乡镇农村产权交易服务站): files listings for households."""

    township = models.OneToOneField(Township, on_delete=models.PROTECT, related_name="station")
    name = models.CharField(_("Name"), max_length=100)
    address = models.CharField(_("Address"), max_length=200)
    opening_hours = models.CharField(
        _("Opening hours"), max_length=100, default="周一至周五 8:30–12:00，14:30–17:30"
    )
    phone = models.CharField(_("Phone"), max_length=20)

    class Meta:
        ordering = ["township"]
        verbose_name = _("Service station")
        verbose_name_plural = _("Service stations")

    def __str__(self):
        return self.name


class StorageCenter(models.Model):
    """The county land storage centre (收储中心): takes stored land at the floor price."""

    county = models.OneToOneField(County, on_delete=models.PROTECT, related_name="storage_center")
    name = models.CharField(_("Name"), max_length=100)
    address = models.CharField(_("Address"), max_length=200, blank=True)
    phone = models.CharField(_("Phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Storage centre")
        verbose_name_plural = _("Storage centres")

    def __str__(self):
        return self.name


class Insurer(models.Model):
    """An insurance company (承保机构) that writes forest insurance policies (R-INS-1)."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    uscc = models.CharField(_("USCC"), max_length=18, blank=True, validators=[validate_uscc])
    address = models.CharField(_("Address"), max_length=200, blank=True)
    phone = models.CharField(_("Phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Insurer")
        verbose_name_plural = _("Insurers")

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- users and roles


class User(AbstractUser):
    """A login. One role; its scope fields say which objects it may see (object by object)."""

    class Role(models.TextChoices):
        STATION_OPERATOR = "station_operator", _("Station operator")
        EXCHANGE_STAFF = "exchange_staff", _("Exchange staff")
        STORAGE_OPERATOR = "storage_operator", _("Storage operator")
        AGRIBUSINESS = "agribusiness", _("Agribusiness user")
        INSURER = "insurer", _("Insurer")
        FORESTRY_INSPECTOR = "forestry_inspector", _("Forestry inspector")
        AUDITOR = "auditor", _("Auditor (read-only)")
        HOUSEHOLD = "household", _("Household")

    role = models.CharField(_("Role"), max_length=30, choices=Role.choices, blank=True)
    display_name = models.CharField(pgettext_lazy("person", "Name"), max_length=50, blank=True)
    phone = models.CharField(_("Phone"), max_length=20, blank=True)
    station = models.ForeignKey(
        ServiceStation, on_delete=models.PROTECT, null=True, blank=True, related_name="operators"
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Staff scope; empty = whole prefecture."),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    storage_center = models.ForeignKey(
        StorageCenter, on_delete=models.PROTECT, null=True, blank=True, related_name="operators"
    )
    household = models.OneToOneField(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="user"
    )
    insurer = models.ForeignKey(
        Insurer, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )

    class Meta:
        verbose_name = _("User")
        verbose_name_plural = _("Users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="station_operator") | models.Q(station__isnull=False),
                name="operator_has_station",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="agribusiness") | models.Q(enterprise__isnull=False),
                name="agribusiness_has_enterprise",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="storage_operator")
                | models.Q(storage_center__isnull=False),
                name="storage_operator_has_center",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="insurer") | models.Q(insurer__isnull=False),
                name="insurer_has_insurer",
            ),
        ]

    def __str__(self):
        return self.display_name or self.username

    @property
    def is_exchange_staff(self):
        return self.role == self.Role.EXCHANGE_STAFF or self.is_superuser

    @property
    def is_station_operator(self):
        return self.role == self.Role.STATION_OPERATOR

    @property
    def is_agribusiness(self):
        return self.role == self.Role.AGRIBUSINESS

    @property
    def township(self):
        return self.station.township if self.station_id else None


# ---------------------------------------------------------------- working days


class WorkdayOverride(models.Model):
    """A staff-entered day that differs from Monday–Friday or from the library (R-TIME-3)."""

    date = models.DateField(_("Date"), unique=True)
    is_workday = models.BooleanField(_("Working day"))
    note = models.CharField(_("Note"), max_length=100, blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("Working-day override")
        verbose_name_plural = _("Working-day overrides")

    def __str__(self):
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.note}"


class HolidayYear(models.Model):
    """A year whose holidays and make-up days staff have entered completely (R-TIME-3)."""

    year = models.PositiveSmallIntegerField(_("Year"), unique=True)
    confirmed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Year with holidays entered")
        verbose_name_plural = _("Years with holidays entered")

    def __str__(self):
        return str(self.year)


# ---------------------------------------------------------------- notifications


class Notification(models.Model):
    """A message to one user: in their list on the console, and e-mailed when they have an
    address (`marketplace.notifications`). Every app notifies through the kernel, so listings,
    deals, storage and insurance share one list."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("Subject"), max_length=200)
    body = models.TextField(_("Message"))
    url = models.CharField(_("Link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Sent at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("Read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("E-mailed at"), null=True, blank=True)
    event = models.CharField(_("Event"), max_length=64, blank=True)
    on_behalf_of = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("For household"),
        help_text=_("Set when the household has no phone or login: its station reads it."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")
        indexes = [models.Index(fields=["recipient", "-created_at"], name="notification_inbox")]

    def __str__(self):
        return self.subject


class Delivery(FSMModelMixin, models.Model):
    """One message of one event on one channel to one address (`marketplace.notifications`):
    queued, then sent or failed with the reason. `dedupe_key` (recipient, event, object,
    channel) is unique, so a redelivered event never sends twice.

    States: docs/delivery-states.md (generated by `deal_states_doc`)."""

    class Channel(models.TextChoices):
        INBOX = "inbox", _("Inbox")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event = models.CharField(_("Event"), max_length=64)
    channel = models.CharField(_("Channel"), max_length=10, choices=Channel.choices)
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    notification = models.ForeignKey(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    address = models.CharField(_("Address"), max_length=254, blank=True)
    subject = models.CharField(_("Subject"), max_length=200, blank=True)
    body = models.TextField(_("Message"), blank=True)
    sensitive = models.BooleanField(
        _("Sensitive"), default=False, help_text=_("The text is erased once sent (a code).")
    )
    segments = models.PositiveSmallIntegerField(_("SMS segments"), default=0)
    # Protected like every state field. The one move not made by a transition is the claim: a
    # worker takes a queued delivery with a conditional UPDATE (queued → sending, filtered on
    # the old state) before it sends, so a redelivered task finds it taken and sends nothing
    # twice (STYLE.md: claim a row with a conditional update) without holding a row lock across
    # the network call. `claim` below is the transition that UPDATE performs; the worker that won
    # the claim makes every later move with `marketplace.fsm.transition` (save and audit).
    state = FSMField(
        _("State"), max_length=10, choices=State.choices, default=State.QUEUED, protected=True
    )
    attempts = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("Next attempt"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("Queued at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("Sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Delivery")
        verbose_name_plural = _("Deliveries")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.event} {self.channel} {self.state}"

    @transition(field=state, source=State.QUEUED, target=State.SENDING)
    def claim(self):
        """A worker takes the delivery: performed as the conditional UPDATE of
        `marketplace.notifications.delivery_attempt` (the atomic claim), never called on a
        loaded row; it is here so the machine and its document hold every move."""

    @transition(field=state, source=State.SENDING, target=State.SENT)
    def mark_sent(self, *, at, erase_body=False):
        """The channel accepted the message (or the inbox copy was already e-mailed); a
        sensitive text (a code) is erased."""
        self.sent_at, self.reason, self.next_attempt_at = at, "", None
        if erase_body:
            self.body = ""

    @transition(field=state, source=State.SENDING, target=State.QUEUED)
    def retry_later(self, *, reason, at):
        """The channel failed; tried again at `at` (after a backoff)."""
        self.reason, self.next_attempt_at = reason, at

    @transition(field=state, source=[State.QUEUED, State.SENDING], target=State.FAILED)
    def mark_failed(self, *, reason, erase_body=False):
        """No address, or the retries ran out: the reason is kept; the inbox copy stays."""
        self.reason, self.next_attempt_at = reason, None
        if erase_body:
            self.body = ""


class NotificationPreference(models.Model):
    """Which channels a user wants besides the inbox (always on)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="notify_prefs")
    email = models.BooleanField(_("By e-mail"), default=True)
    sms = models.BooleanField(_("By SMS"), default=True)

    class Meta:
        verbose_name = _("Notification channels")
        verbose_name_plural = _("Notification channels")

    def __str__(self):
        return str(self.user)


class SmsMessage(models.Model):
    """The console SMS provider's outbox (the default, `SMS_PROVIDER`): what would have gone to
    a phone. Staff read it on the SMS log page; a real provider keeps its own log."""

    phone = models.CharField(_("Phone"), max_length=20)
    text = models.TextField(_("Text"))
    segments = models.PositiveSmallIntegerField(_("SMS segments"))
    created_at = models.DateTimeField(_("Sent at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")

    def __str__(self):
        return f"{self.phone} {self.text[:20]}"


# ---------------------------------------------------------------- the rulebook's numbers


class RuleSetting(models.Model):
    """A staff-chosen value of one rulebook number (RULES.md: every [practice]/[default] number
    is a setting staff can change, per county and per right type where offered).

    No county means prefecture-wide; no right type means every right type. The most specific row
    wins (see `marketplace.rulebook.value`). Changes are recorded in the audit log.
    """

    key = models.CharField(_("Setting"), max_length=64)
    county = models.ForeignKey(
        County,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("County"),
        help_text=_("Empty: the whole prefecture."),
    )
    right_type = models.CharField(
        _("Right type"),
        max_length=30,
        blank=True,
        help_text=_("Empty: every right type."),
    )
    value = models.CharField(_("Value"), max_length=40)
    reason = models.CharField(_("Reason for the change"), max_length=200)
    changed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key", "county__code", "right_type"]
        verbose_name = _("Rule setting")
        verbose_name_plural = _("Rule settings")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "right_type"],
                condition=models.Q(county__isnull=True),
                name="rulesetting_one_prefecture_value",
            ),
            models.UniqueConstraint(
                fields=["key", "county", "right_type"],
                condition=models.Q(county__isnull=False),
                name="rulesetting_one_county_value",
            ),
        ]

    def __str__(self):
        return f"{self.key}={self.value}"


# ---------------------------------------------------------------- audit log


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every state change, bid and payment.

    A writer appends the row unsealed (`seq`, `prev_hash` and `hash` empty) in its own
    transaction; the sealer (`marketplace.audit.seal`) later gives each committed row its place
    in the chain: seq = position, hash = sha256(previous hash + canonical JSON of the event). On
    PostgreSQL a trigger refuses DELETE and every UPDATE except that one-time sealing (migrations
    0002, 0006); `manage.py verify_audit` re-computes the chain. See docs/audit.md.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    # Set once by the sealer: the position in the chain (1, 2, …, no gaps) and the links.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(
                fields=["id"], name="auditevent_unsealed", condition=models.Q(seq__isnull=True)
            ),
        ]
        verbose_name = _("Audit event")
        verbose_name_plural = _("Audit events")

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's head: the last sealed hash and the number of sealed events. Only the sealer
    writes it (under its row lock, taken with SKIP LOCKED so one sealer runs at a time)."""

    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.count} events, last {self.last_hash[:12]}"


# ---------------------------------------------------------------- operations


class JobRun(models.Model):
    """The last runs of one scheduled Celery task (`marketplace.health`): readiness turns red
    when beat's heartbeat or a deadline sweep has not succeeded in time."""

    name = models.CharField(pgettext_lazy("health", "Task"), max_length=200, unique=True)
    last_started_at = models.DateTimeField(_("Last started"), null=True, blank=True)
    last_succeeded_at = models.DateTimeField(_("Last succeeded"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("Last failed"), null=True, blank=True)
    last_error = models.CharField(_("Last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Periodic job run")
        verbose_name_plural = _("Periodic job runs")

    def __str__(self):
        return self.name
