"""An agribusiness's own application for an account (issue 16), and its SMS codes.

The application creates the enterprise and an inactive login at once (so the USCC and the login
name are reserved and checked by the database's constraints); the login is opened when the
e-mail and the phone are verified and, for an enterprise that may be industrial and commercial
capital under R-REG-3, when exchange staff approve it. States: verifying → pending → approved
(or refused); verifying → approved when no approval is needed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from marketplace.models import Enterprise


class AccountApplication(FSMModelMixin, models.Model):
    class State(models.TextChoices):
        VERIFYING = "verifying", _("Verifying e-mail and phone")
        PENDING = "pending", _("Awaiting approval by the exchange")
        APPROVED = "approved", _("Account opened")
        REFUSED = "refused", pgettext_lazy("account application", "Refused")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_application"
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="account_applications"
    )
    state = FSMField(
        _("State"),
        max_length=20,
        default=State.VERIFYING,
        choices=State.choices,
        protected=True,
        db_index=True,
    )
    needs_approval = models.BooleanField(_("Needs approval by the exchange"), default=True)
    email_verified_at = models.DateTimeField(_("E-mail verified at"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("Phone verified at"), null=True, blank=True)
    submitted_from = models.GenericIPAddressField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    reason = models.CharField(_("Reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Applied at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Account application")
        verbose_name_plural = _("Account applications")

    def __str__(self):
        return str(self.enterprise)

    @property
    def is_verified(self) -> bool:
        return bool(self.email_verified_at and self.phone_verified_at)

    def _verified(self):
        return self.is_verified

    def _no_approval_needed(self):
        return not self.needs_approval

    def _approval_needed(self):
        return self.needs_approval

    @transition(
        field=state,
        source=State.VERIFYING,
        target=State.APPROVED,
        conditions=[_verified, _no_approval_needed],
    )
    def open(self, *, at):
        self.decided_at = at

    @transition(
        field=state,
        source=State.VERIFYING,
        target=State.PENDING,
        conditions=[_verified, _approval_needed],
    )
    def submit_for_approval(self):
        pass

    @transition(field=state, source=State.PENDING, target=State.APPROVED)
    def approve(self, *, by, at, reason=""):
        self.decided_by, self.decided_at, self.reason = by, at, reason

    @transition(field=state, source=State.PENDING, target=State.REFUSED)
    def refuse(self, *, by, at, reason):
        self.decided_by, self.decided_at, self.reason = by, at, reason


class PhoneCode(models.Model):
    """A 6-digit code sent by SMS to the applicant's phone (its hash only)."""

    application = models.ForeignKey(
        AccountApplication, on_delete=models.CASCADE, related_name="phone_codes"
    )
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.application_id} · {self.created_at:%Y-%m-%d %H:%M}"
