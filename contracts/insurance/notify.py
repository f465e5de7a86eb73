"""Who hears about a claim, sent after commit through marketplace.notifications (ids in, idempotent
enough: a notification is a list entry, sent once per committed change)."""

from django.utils.translation import gettext as _

from marketplace.models import User
from marketplace.notifications import notify_users

from .models import Claim, Inspection


def _claim(pk):
    return Claim.objects.select_related("policy", "policy__county", "policy__insurer").get(pk=pk)


def _insurer_users(claim):
    return User.objects.filter(role=User.Role.INSURER, insurer=claim.policy.insurer, is_active=True)


def _station_users(claim):
    townships = claim.policy.parcels.values("parcel__village__township")
    return User.objects.filter(
        role=User.Role.STATION_OPERATOR, station__township__in=townships, is_active=True
    )


def _inspectors(claim):
    return User.objects.filter(
        role=User.Role.FORESTRY_INSPECTOR, county=claim.policy.county, is_active=True
    )


def _holder_users(claim):
    ids = [h.household_id for h in claim.policy.holders.all() if h.household_id]
    return User.objects.filter(household_id__in=ids, is_active=True)


def _send(users, claim, subject, body):
    notify_users(users, subject=subject, body=body, url=claim.get_absolute_url())


def claim_reported(pk):
    claim = _claim(pk)
    _send(
        _insurer_users(claim),
        claim,
        _("Forest insurance claim %(number)s reported") % {"number": claim.number},
        _("A loss (%(cause)s) on %(date)s was reported on policy %(policy)s; please survey it.")
        % {"cause": claim.get_cause_display(), "date": claim.loss_on, "policy": claim.policy},
    )


def claim_approved(pk):
    claim = _claim(pk)
    body = _(
        "Claim %(number)s was approved: the first part is paid now for replanting; the second part "
        "is held until the forestry department accepts the replanting (R-INS-3, R-INS-4)."
    ) % {"number": claim.number}
    subject = _("Claim %(number)s approved") % {"number": claim.number}
    _send([*_station_users(claim), *_holder_users(claim)], claim, subject, body)


def replanting_reported(pk):
    claim = _claim(pk)
    _send(
        _inspectors(claim),
        claim,
        _("Replanting to inspect: claim %(number)s") % {"number": claim.number},
        _("The replanting after claim %(number)s is reported; inspect it by %(due)s.")
        % {"number": claim.number, "due": claim.replanting_due_on},
    )


def inspection_recorded(pk):
    inspection = Inspection.objects.get(pk=pk)
    claim = _claim(inspection.claim_id)
    if inspection.accepted:
        subject = _("Replanting accepted: claim %(number)s") % {"number": claim.number}
        body = _("The forestry inspection accepted the replanting; the second part is released.")
    else:
        subject = _("Replanting not accepted: claim %(number)s") % {"number": claim.number}
        body = _("Findings: %(findings)s. New due date: %(due)s.") % {
            "findings": inspection.findings,
            "due": inspection.next_due_on,
        }
    users = [*_insurer_users(claim), *_station_users(claim), *_holder_users(claim)]
    _send(users, claim, subject, body)


def second_paid(pk):
    claim = _claim(pk)
    _send(
        [*_station_users(claim), *_holder_users(claim)],
        claim,
        _("Claim %(number)s: second part paid") % {"number": claim.number},
        _("The second part of the claim is paid out for tending the trees (R-INS-4)."),
    )
