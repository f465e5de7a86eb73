"""Refusals of the contract, signing, payment and certificate services (translated, with a field)."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import Conflict, DomainError, Invalid, NotAllowed


class ContractIncomplete(Conflict):
    code = "contract_incomplete"
    default_message = _("The contract cannot be generated: information is missing.")


class NotAParty(NotAllowed):
    code = "not_a_party"
    default_message = _("You cannot sign this contract.")


class CentreSignsOnline(NotAllowed):
    code = "centre_signs_online"
    default_message = _(
        "The storage centre is Party A of this contract: a storage operator of the centre signs "
        "it online. The station does not witness it (R-STORE-5, R-DEAL-2)."
    )


class NoPhone(NotAllowed):
    code = "no_phone"
    field = "code"
    default_message = _(
        "The signing code goes by SMS only: add a phone number to your profile or your company."
    )


class WrongVersion(Conflict):
    code = "contract_version_changed"
    default_message = _(
        "The contract was changed after you opened it: the document you signed is not the current "
        "version. Open the current version, read it and sign again."
    )


class AlreadySigned(Conflict):
    code = "already_signed"
    default_message = _("This party has already signed the current version.")


class PasswordLocked(Invalid):
    code = "password_locked"
    http_status = 429
    default_message = _(
        "Password: too many wrong passwords. Signing and logging in are paused for 15 minutes."
    )
    field = "password"


class WrongPassword(Invalid):
    code = "wrong_password"
    default_message = _("Password: it is not your login password. Enter it again.")
    field = "password"


class WrongCode(Invalid):
    code = "wrong_code"
    default_message = _("One-time code: wrong or expired. Ask for a new code and enter it.")
    field = "code"


class BadVerificationUpload(Invalid):
    code = "invalid"
    default_message = _("Choose the PDF file to check (at most 20 MB).")
    field = "file"


class BadScan(Invalid):
    code = "bad_scan"
    default_message = _("Signed scan: upload a PDF, JPEG or PNG file of at most 20 MB.")
    field = "scan"


class NotConfirmed(Invalid):
    code = "not_confirmed"
    default_message = _("Tick the box to confirm that you witnessed the signature.")
    field = "confirm"


class DeadlinePassed(Conflict):
    code = "deadline_passed"
    default_message = _("The deadline has passed.")


class WrongState(Conflict):
    code = "wrong_state"


class CertificateRefused(Conflict):
    code = "certificate_refused"


class NoRunnerUp(Conflict):
    code = "no_runner_up"
    default_message = _("There is no runner-up bid for this deal: relist it instead.")


class RunnerUpBelowReserve(Conflict):
    code = "runner_up_below_reserve"
    default_message = _(
        "The runner-up's last bid is below the secret reserve price: relist instead (R-BID-6)."
    )


class NoSuchNotice(DomainError):
    code = "not_found"
    http_status = 404
    default_message = _("This certificate has no such notice.")


class DocumentError(DomainError):
    code = "document_error"
