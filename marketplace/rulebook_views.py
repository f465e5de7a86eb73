"""The console page "规则参数": the rulebook's numbers in force, and staff changing them.

Exchange staff see every number with its rule, its default and the values set per county; they
change the numbers of their own county (prefecture staff: any scope). Auditors read only.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rulebook
from .choices import RightType
from .errors import DomainError
from .models import County, RuleSetting

LISTED_RIGHT_TYPES = (RightType.LAND_MANAGEMENT, RightType.FOREST, RightType.STORED_LAND)


def _may_read(user):
    return user.has_perm("marketplace.read_staff_pages")


class RuleSettingForm(forms.Form):
    county = forms.ModelChoiceField(
        label=gettext_lazy("Applies to"),
        queryset=County.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole prefecture"),
    )
    right_type = forms.ChoiceField(label=gettext_lazy("Right type"), required=False)
    value = forms.CharField(label=gettext_lazy("Value"), max_length=40)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=200,
        help_text=gettext_lazy("Kept in the audit log, e.g. the meeting that decided it."),
    )

    def __init__(self, *args, number, user, **kwargs):
        super().__init__(*args, **kwargs)
        counties = County.objects.order_by("code")
        if user.county_id and not user.is_superuser:
            counties = counties.filter(pk=user.county_id)
            self.fields["county"].required = True
            self.fields["county"].empty_label = None
        self.fields["county"].queryset = counties
        if number.by_right_type:
            self.fields["right_type"].choices = [("", _("Every right type"))] + [
                (rt.value, rt.label) for rt in LISTED_RIGHT_TYPES
            ]
        else:
            del self.fields["right_type"]
        self.fields["value"].help_text = _("Default %(default)s (%(rule)s).") % {
            "default": number.show(number.default_value),
            "rule": number.rule,
        }


@login_required
def rulebook_index(request):
    if not _may_read(request.user):
        raise PermissionDenied
    counties = list(County.objects.order_by("code"))
    by_key: dict[str, list] = {}
    for row in RuleSetting.objects.select_related("county", "changed_by"):
        by_key.setdefault(row.key, []).append(row)
    sections: dict = {}
    for number in rulebook.numbers():
        rows = by_key.get(number.key, [])
        in_force = rulebook.value(number.key)
        sections.setdefault(str(number.section), []).append(
            {
                "number": number,
                "default": number.show(number.default_value),
                "in_force": number.show(in_force),
                "changed": rulebook.source_of(number.key) != "default",
                "overrides": [
                    {
                        "row": row,
                        "shown": _show(number, row.value),
                        "right_type": RightType(row.right_type).label if row.right_type else "",
                    }
                    for row in rows
                ],
            }
        )
    return render(
        request,
        "marketplace/rulebook.html",
        {
            "sections": sections,
            "counties": counties,
            "may_change": request.user.is_exchange_staff,
        },
    )


def _show(number, text):
    try:
        return number.show(number.parse(text))
    except ValueError:
        return text


@login_required
def rulebook_edit(request, key):
    number = rulebook.REGISTRY.get(key)
    if number is None:
        raise Http404
    if not request.user.has_perm("marketplace.write_staff_pages"):
        raise PermissionDenied
    form = RuleSettingForm(request.POST or None, number=number, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            rulebook.setting_change(
                key=key,
                county=form.cleaned_data["county"],
                right_type=form.cleaned_data.get("right_type", ""),
                value_text=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Saved: %(label)s.") % {"label": number.label})
            return redirect("rulebook")
    rows = RuleSetting.objects.filter(key=key).select_related("county", "changed_by")
    return render(
        request,
        "marketplace/rulebook_edit.html",
        {
            "number": number,
            "form": form,
            "default": number.show(number.default_value),
            "rows": [
                {
                    "row": row,
                    "shown": _show(number, row.value),
                    "right_type": RightType(row.right_type).label if row.right_type else "",
                    "may_reset": rulebook.can_change(request.user, row.county_id),
                }
                for row in rows
            ],
        },
    )


@login_required
def rulebook_reset(request, pk):
    if request.method != "POST":
        raise Http404
    setting = get_object_or_404(RuleSetting, pk=pk)
    try:
        rulebook.setting_reset(
            setting=setting, reason=request.POST.get("reason"), actor=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("rulebook_edit", key=setting.key)
    messages.success(request, _("The value was removed; the wider one applies again."))
    return redirect("rulebook_edit", key=setting.key)
