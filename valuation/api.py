"""POST /api/v1/valuations/quote: the exchange's formulas for agribusinesses and staff (R-VAL)."""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, PolymorphicProxySerializer, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.money import round_yuan

from . import formulas, methods
from .models import ValuationReport

AMOUNT = {"max_digits": 18, "decimal_places": 6}


def _field(spec):
    """The serializer field documenting one method input (OpenAPI text in English)."""
    label = str(spec.label)
    if spec.kind == methods.PAIRS:
        return serializers.ListField(
            child=serializers.ListField(
                child=serializers.DecimalField(**AMOUNT), min_length=2, max_length=2
            ),
            default=list,
            help_text=f"{label}: a list of [age or year, amount in yuan] pairs.",
        )
    if spec.kind == methods.AMOUNTS:
        return serializers.ListField(
            child=serializers.DecimalField(**AMOUNT),
            min_length=1,
            help_text=f"{label}: amounts in yuan, year 1 first.",
        )
    if spec.kind == methods.YEARS:
        return serializers.DecimalField(
            **AMOUNT,
            allow_null=True,
            help_text=f"{label}. May be fractional (7.5); null means perpetual.",
        )
    return serializers.DecimalField(
        **AMOUNT, help_text=label + (f". {spec.help_text}" if spec.help_text else ".")
    )


def _inputs_serializer(method):
    fields = {spec.name: _field(spec) for spec in methods.METHOD_INPUTS[method]}
    name = "".join(part.title() for part in method.split("_")) + "Inputs"
    return type(name, (serializers.Serializer,), fields)


with translation.override("en"):
    INPUT_SERIALIZERS = {method: _inputs_serializer(method) for method in methods.METHOD_INPUTS}


class QuoteBaseSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=ValuationReport.Method.choices,
        help_text="Valuation method (R-VAL-1, R-VAL-2); decides which inputs are required.",
    )
    area_mu = serializers.DecimalField(
        max_digits=12,
        decimal_places=4,
        min_value=Decimal("0.0001"),
        help_text="Area in mu (亩), up to 4 decimals; per_mu_yuan = value_yuan / area_mu.",
    )
    inputs = serializers.DictField(help_text="The method's inputs (see the per-method schemas).")


def _request_serializer(method):
    inputs = INPUT_SERIALIZERS[method]
    name = inputs.__name__.replace("Inputs", "QuoteRequest")
    return type(
        name,
        (QuoteBaseSerializer,),
        {
            "method": serializers.ChoiceField(
                choices=[method], help_text=f"'{method}': see the inputs below."
            ),
            "inputs": inputs(help_text="Amounts in yuan, rates as fractions (0.05 = 5 %)."),
        },
    )


class QuoteResponseSerializer(serializers.Serializer):
    value_yuan = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text="Value in yuan, rounded half-up to the fen."
    )
    per_mu_yuan = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        help_text="Value per mu in yuan (unrounded value / area), rounded half-up to the fen.",
    )
    method = serializers.CharField(help_text="The method used.")
    formula_version = serializers.CharField(
        help_text="Version of valuation/formulas.py that computed the value."
    )


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable error code, e.g. 'invalid'.")
    detail = serializers.JSONField(
        help_text="What is wrong, by field: {'inputs': {'rate': ['Must be greater than 0.']}}."
    )


class IsStaffOrAgribusiness(permissions.BasePermission):
    message = _("Only exchange staff and agribusiness users may ask for quotes.")

    def has_permission(self, request, view):
        return request.user.has_perm("valuation.ask_quote")


class QuoteView(APIView):
    permission_classes = [IsStaffOrAgribusiness]

    @extend_schema(
        operation_id="valuations_quote",
        summary="Value with the exchange's formulas",
        description=(
            "Runs the same formulas as the exchange's valuation reports (R-VAL-1, R-VAL-2) on "
            "the inputs given. Numbers are decimal strings. Staff and agribusiness users only."
        ),
        request=PolymorphicProxySerializer(
            component_name="QuoteRequest",
            serializers={m: _request_serializer(m) for m in methods.METHOD_INPUTS},
            resource_type_field_name="method",
        ),
        responses={
            200: QuoteResponseSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            403: ErrorSerializer,
        },  # fmt: skip
        examples=[
            OpenApiExample(
                "R-VAL-1 check",
                value={
                    "method": "income_capitalisation",
                    "area_mu": "1",
                    "inputs": {"annual_income": "400", "rate": "0.05", "years": "10"},
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        base = QuoteBaseSerializer(data=request.data)
        base.is_valid(raise_exception=True)
        method = base.validated_data["method"]
        inputs = INPUT_SERIALIZERS[method](data=base.validated_data["inputs"])
        if not inputs.is_valid():
            raise serializers.ValidationError({"inputs": inputs.errors})
        values = _as_strings(inputs.validated_data)
        try:
            value = methods.compute(method, values, allow_perpetual=True)
        except methods.InputError as exc:
            raise serializers.ValidationError({"inputs": {exc.field: [exc.message]}}) from None
        area = base.validated_data["area_mu"]
        return Response(
            {
                "value_yuan": str(round_yuan(value)),
                "per_mu_yuan": str(round_yuan(value / area)),
                "method": method,
                "formula_version": formulas.FORMULA_VERSION,
            }
        )


def _as_strings(data):
    result = {}
    for name, value in data.items():
        if isinstance(value, list):
            result[name] = [
                [str(x) for x in item] if isinstance(item, list) else str(item) for item in value
            ]
        else:
            result[name] = None if value is None else str(value)
    return result
