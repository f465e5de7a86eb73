"""The payer's payables over the API: GET /api/v1/payments/payables/ (own ones only).

Agribusinesses that connect their own systems read what they owe and what was refunded; paying
still happens on the checkout page (`checkout_url`). Money is a decimal string in yuan.
"""

from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from marketplace.money import fen_to_yuan

from .models import Payable
from .selectors import payable_list_for_payer


class PayableSerializer(serializers.ModelSerializer):
    amount_yuan = serializers.SerializerMethodField()
    refunded_yuan = serializers.SerializerMethodField()
    checkout_url = serializers.SerializerMethodField()

    class Meta:
        model = Payable
        fields = [
            "id",
            "kind",
            "description",
            "amount_yuan",
            "currency",
            "state",
            "disposition",
            "paid_at",
            "refunded_yuan",
            "created_at",
            "checkout_url",
        ]

    def get_amount_yuan(self, obj) -> str:
        return str(fen_to_yuan(obj.amount_fen))

    def get_refunded_yuan(self, obj) -> str:
        return str(fen_to_yuan(obj.refunded_fen))

    def get_checkout_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.checkout_url)


class MyPayableList(generics.ListAPIView):
    serializer_class = PayableSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return payable_list_for_payer(self.request.user)
