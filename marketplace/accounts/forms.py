"""The self-registration form: the enterprise (USCC checked with python-stdnum), the contact and
the login. Every refusal names its field."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

from marketplace.models import Enterprise, User
from marketplace.validators import uscc_organisation_type, validate_uscc

from .services import COOPERATIVE_USCC_TYPE

MOBILE = re.compile(r"^1[3-9]\d{9}$")
KINDS = [
    (Enterprise.Kind.LEADING, Enterprise.Kind.LEADING.label),
    (Enterprise.Kind.COOPERATIVE, Enterprise.Kind.COOPERATIVE.label),
    (Enterprise.Kind.FAMILY_FARM, Enterprise.Kind.FAMILY_FARM.label),
    (Enterprise.Kind.COMPANY, Enterprise.Kind.COMPANY.label),
]


class SignupForm(forms.Form):
    company_name = forms.CharField(
        label=_("Enterprise name (as on the business licence)"), max_length=100
    )
    kind = forms.ChoiceField(label=_("Kind of enterprise"), choices=KINDS)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=25,
        help_text=_("18 characters, on the business licence."),
    )
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        help_text=_("A code is sent to it by SMS."),
    )
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("A link to confirm it is sent to this address.")
    )
    username = forms.CharField(
        label=_("Login name"),
        max_length=30,
        help_text=_("Letters, digits and _ only, 4 to 30 characters."),
    )
    password1 = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_uscc(self):
        value = stdnum_uscc.compact(self.cleaned_data["uscc"]).upper()
        validate_uscc(value)
        if Enterprise.objects.filter(uscc=value).exists():
            raise ValidationError(
                _(
                    "An enterprise with this code is already registered. If it is yours, "
                    "log in or reset the password; otherwise call the exchange."
                )
            )
        return value

    def clean_phone(self):
        value = re.sub(r"[\s-]", "", self.cleaned_data["phone"])
        if value.startswith("+86"):
            value = value[3:]
        if not MOBILE.match(value):
            raise ValidationError(_("Enter an 11-digit mainland mobile number, e.g. 13800000000."))
        return value

    def clean_email(self):
        value = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=value).exists():
            raise ValidationError(
                _("This e-mail address already belongs to a login: reset its password instead.")
            )
        return value

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        if not re.fullmatch(r"[A-Za-z0-9_]{4,30}", value):
            raise ValidationError(_("Use 4 to 30 letters, digits or _."))
        if User.objects.filter(username__iexact=value).exists():
            raise ValidationError(_("This login name is taken: choose another."))
        return value

    def clean(self):
        data = super().clean()
        code, kind = data.get("uscc"), data.get("kind")
        cooperative = kind == Enterprise.Kind.COOPERATIVE
        if code and cooperative and uscc_organisation_type(code) != COOPERATIVE_USCC_TYPE:
            self.add_error(
                "kind",
                _("A farmers' cooperative's code starts with 93: check the kind or the code."),
            )
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            probe = User(username=data.get("username") or "", email=data.get("email") or "")
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    commercial_capital = forms.BooleanField(
        label=_("Industrial and commercial capital (its large-area registrations are reviewed)"),
        required=False,
    )
