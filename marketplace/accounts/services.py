"""Self-registration of agribusinesses (issue 16): apply, verify the e-mail (a signed link) and
the phone (an SMS code through the notification channel and the SMS provider), then the account
opens, or waits for exchange staff where R-REG-3 needs it.

Each service is one durable transaction; the e-mail goes out after it (no network call inside a
transaction), the SMS is queued by the notifications module after commit."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Conflict, DomainError
from marketplace.fsm import transition
from marketplace.models import Enterprise, User
from marketplace.notifications import notification_send
from marketplace.validators import uscc_organisation_type

from . import conf
from .models import AccountApplication, PhoneCode

EMAIL_SALT = "accounts.email-verification"
COOPERATIVE_USCC_TYPE = "93"  # GB 32100: authority 9 (market regulation), type 3 (cooperative)


class CodeRefused(DomainError):
    """A wrong, expired or used-up SMS code."""


class TooSoon(Conflict):
    http_status = 429


def needs_approval(enterprise) -> bool:
    """R-REG-3: a company or an individual business may be industrial and commercial capital, so
    exchange staff check its licence and record whether it is before the account opens; a
    farmers' cooperative (USCC 93) is opened once its e-mail and phone are verified."""
    return uscc_organisation_type(enterprise.uscc) != COOPERATIVE_USCC_TYPE


# ---------------------------------------------------------------- applying


def application_create(*, data: dict, password: str, ip=None) -> AccountApplication:
    """The enterprise, an inactive agribusiness login and the application (all or nothing).
    `data`: the form's cleaned data. The verification e-mail and SMS are sent afterwards."""
    with transaction.atomic(durable=True):
        enterprise = Enterprise.objects.create(
            name=data["company_name"],
            kind=data["kind"],
            uscc=data["uscc"],
            legal_representative=data["legal_representative"],
            contact_name=data["contact_name"],
            contact_phone=data["phone"],
            address=data.get("address", ""),
        )
        user = User(
            username=data["username"],
            email=data["email"],
            phone=data["phone"],
            display_name=data["contact_name"],
            role=User.Role.AGRIBUSINESS,
            enterprise=enterprise,
            is_active=False,
        )
        user.set_password(password)
        user.save()
        application = AccountApplication.objects.create(
            user=user,
            enterprise=enterprise,
            needs_approval=needs_approval(enterprise),
            submitted_from=ip,
        )
        audit.record(
            action="account_application.created",
            obj=application,
            actor=None,
            payload={"enterprise": enterprise.pk, "needs_approval": application.needs_approval},
        )
    return application


def applications_from(ip, *, within=timedelta(hours=1)) -> int:
    if not ip:
        return 0
    since = timezone.now() - within
    return AccountApplication.objects.filter(submitted_from=ip, created_at__gte=since).count()


# ---------------------------------------------------------------- the e-mail link


def email_token(application) -> str:
    return signing.dumps(
        {"a": application.pk, "e": application.user.email}, salt=EMAIL_SALT, compress=True
    )


def email_link(application) -> str:
    path = reverse("accounts:verify_email", args=[email_token(application)])
    return settings.SITE_URL.rstrip("/") + path


def verification_email_send(application) -> None:
    """The link that proves the address (outside any transaction: the mail backend may be SMTP)."""
    context = {
        "application": application,
        "link": email_link(application),
        "hours": conf.get("EMAIL_LINK_HOURS"),
        "exchange_name": settings.WAGTAIL_SITE_NAME,
    }
    send_mail(
        render_to_string("accounts/email/verify_subject.txt", context).strip(),
        render_to_string("accounts/email/verify_body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [application.user.email],
    )


def email_verify(token: str) -> AccountApplication:
    """Check the signed link; mark the e-mail verified (idempotent) and open when complete."""
    try:
        data = signing.loads(token, salt=EMAIL_SALT, max_age=conf.get("EMAIL_LINK_HOURS") * 3600)
    except signing.SignatureExpired as exc:
        raise DomainError(
            _("This link has expired. Log in to the registration page and ask for a new one.")
        ) from exc
    except signing.BadSignature as exc:
        raise DomainError(
            _("This link is not valid. Copy the whole link from the e-mail.")
        ) from exc
    with transaction.atomic(durable=True):
        application = (
            AccountApplication.objects.select_for_update()
            .select_related("user", "enterprise")
            .filter(pk=data.get("a"))
            .first()
        )
        if application is None or application.user.email != data.get("e"):
            raise DomainError(_("This link is not valid. Copy the whole link from the e-mail."))
        if application.email_verified_at is None:
            application.email_verified_at = timezone.now()
            application.save(update_fields=["email_verified_at"])
            audit.record(action="account_application.email_verified", obj=application)
        _advance(application)
    return application


# ---------------------------------------------------------------- the SMS code


def _code_hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:accounts:{code}".encode()).hexdigest()


def phone_code_send(application) -> str:
    """A new 6-digit code to the applicant's phone by SMS only (the older ones are void)."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        application = (
            AccountApplication.objects.select_for_update()
            .select_related("user")
            .get(pk=application.pk)
        )
        if application.phone_verified_at is not None:
            raise Conflict(_("This phone number is already verified."))
        codes = application.phone_codes.all()
        if codes.count() >= conf.get("CODES_PER_APPLICATION"):
            raise TooSoon(
                _("Too many codes were sent for this application. Call the exchange for help.")
            )
        last = codes.first()
        wait = conf.get("CODE_RESEND_SECONDS")
        if last is not None and (now - last.created_at).total_seconds() < wait:
            raise TooSoon(
                _("A code was sent less than %(seconds)s seconds ago: wait a moment.")
                % {"seconds": wait}
            )
        codes.filter(used_at__isnull=True).update(used_at=now)
        code = f"{secrets.randbelow(10**6):06d}"
        minutes = conf.get("CODE_MINUTES")
        row = PhoneCode.objects.create(
            application=application,
            phone=application.user.phone,
            code_hash=_code_hash(code),
            expires_at=now + timedelta(minutes=minutes),
        )
        # SMS only: never the inbox, the e-mail or a log line (a sensitive event).
        notification_send(
            recipient=application.user,
            event="accounts.phone_code",
            context={"code": code, "minutes": minutes},
            obj=row,
        )
        audit.record(action="account_application.code_sent", obj=application)
    return code


def phone_verify(application, code: str) -> AccountApplication:
    """Check the SMS code; a wrong one counts (its own transaction, so it is remembered)."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        row = (
            PhoneCode.objects.select_for_update()
            .filter(application=application, used_at__isnull=True)
            .first()
        )
        if row is None or row.expires_at <= now or row.attempts >= conf.get("CODE_ATTEMPTS"):
            raise CodeRefused(_("The code has expired or was used up: ask for a new one."))
        row.attempts += 1
        good = hmac.compare_digest(row.code_hash, _code_hash((code or "").strip()))
        if good:
            row.used_at = now
        row.save(update_fields=["attempts", "used_at"])
    if not good:
        raise CodeRefused(_("The code is not right. Check the SMS and type the 6 digits."))
    with transaction.atomic(durable=True):
        application = (
            AccountApplication.objects.select_for_update()
            .select_related("user", "enterprise")
            .get(pk=application.pk)
        )
        if application.phone_verified_at is None:
            application.phone_verified_at = now
            application.save(update_fields=["phone_verified_at"])
            audit.record(action="account_application.phone_verified", obj=application)
        _advance(application)
    return application


def _advance(application):
    """Both verified: open the account, or hand it to the exchange (R-REG-3)."""
    if application.state != AccountApplication.State.VERIFYING or not application.is_verified:
        return
    if application.needs_approval:
        transition(application, "submit_for_approval")
    else:
        transition(application, "open", at=timezone.now())
        User.objects.filter(pk=application.user_id).update(is_active=True)


# ---------------------------------------------------------------- staff decide


def application_decide(*, application, actor, approve: bool, reason="", commercial_capital=None):
    """Staff open the account or refuse it with a reason. Approving records whether the
    enterprise is industrial and commercial capital (R-REG-3: its reviews on large areas)."""
    from marketplace.permissions import require

    require(actor, "accounts.decide_application", application)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError(_("Reason: say why the account is refused (the applicant reads it)."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        application = (
            AccountApplication.objects.select_for_update()
            .select_related("user", "enterprise")
            .get(pk=application.pk)
        )
        if approve:
            transition(application, "approve", actor=actor, by=actor, at=now, reason=reason)
            if commercial_capital is not None:
                Enterprise.objects.filter(pk=application.enterprise_id).update(
                    is_commercial_capital=bool(commercial_capital)
                )
            User.objects.filter(pk=application.user_id).update(is_active=True)
            event = "accounts.approved"
        else:
            transition(application, "refuse", actor=actor, by=actor, at=now, reason=reason)
            event = "accounts.refused"
        notification_send(
            recipient=application.user,
            event=event,
            context={
                "enterprise": application.enterprise.name,
                "username": application.user.username,
                "reason": reason,
            },
            url=reverse("login"),
            obj=application,
        )
    return application
