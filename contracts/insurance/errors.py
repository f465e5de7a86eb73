"""Refusals of the insurance services, each naming its rule (translated, with a field)."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import Conflict, Invalid


class DamagedAboveInsured(Invalid):
    code = "damaged_above_insured"
    field = "damaged_mu"
    default_message = _("R-INS-2: the damaged area is larger than the parcel's insured area.")


class LossRateOutOfRange(Invalid):
    code = "loss_rate_out_of_range"
    field = "loss_rate_pct"
    default_message = _("R-INS-2: the loss rate must be between 0 and 100 %.")


class ParcelNotCovered(Invalid):
    code = "parcel_not_covered"
    field = "parcels"
    default_message = _("R-INS-1: the policy does not cover this parcel.")


class LossOutsidePeriod(Invalid):
    code = "loss_outside_period"
    field = "loss_on"
    default_message = _("R-INS-1: the date of the loss is outside the policy's period.")


class SharesDoNotAddUp(Invalid):
    code = "shares_do_not_add_up"
    field = "shares"
    default_message = _("R-INS-1: the four premium shares must add up to 100 %.")


class HolderSharesDoNotAddUp(Invalid):
    code = "holder_shares_do_not_add_up"
    field = "holders"
    default_message = _("R-INS-5: the insured holders' shares must add up to 1.")


class NotAForestRight(Invalid):
    code = "not_a_forest_right"
    field = "right"
    default_message = _("R-INS-1: a policy covers parcels of one forest right.")


class InspectionTooEarly(Conflict):
    code = "inspection_before_replanting"
    default_message = _(
        "R-INS-4: the replanting has not been reported yet; there is nothing to inspect."
    )


class SecondPartNotReleasable(Conflict):
    code = "second_part_without_acceptance"
    default_message = _(
        "R-INS-4: the second part is paid only after the forestry inspection has accepted the "
        "replanting, and only once."
    )


class WrongClaimState(Conflict):
    code = "wrong_claim_state"
    default_message = _("The claim is not in a state that allows this; reload the page.")


class NoHolderOnLossDate(Invalid):
    code = "no_holder_on_loss_date"
    field = "loss_on"
    default_message = _("R-INS-5: nobody held the insured forest right on the date of the loss.")


class BadPhoto(Invalid):
    code = "bad_photo"
    field = "photos"
    default_message = _("A photo must be a JPEG or PNG picture of at most 20 MB.")


class InsuredAreaInvalid(Invalid):
    code = "insured_area_invalid"
    field = "parcels"
    default_message = _("R-INS-1: the insured area must be positive and at most the parcel's area.")


class PeriodInvalid(Invalid):
    code = "policy_period_invalid"
    field = "ends_on"
    default_message = _("R-INS-1: the cover must end after it starts.")
