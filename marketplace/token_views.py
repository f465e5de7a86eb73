"""`POST /api/v1/auth/token/` with expiring tokens (marketplace/security.py).

Kept apart from `security`: DRF's views read `DEFAULT_AUTHENTICATION_CLASSES` on import, which
names `security.ExpiringTokenAuthentication`.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from .security import address_blocked, token_expired


class ObtainExpiringAuthToken(ObtainAuthToken):
    """`POST /api/v1/auth/token/`: an expired token is replaced by a new one."""

    @extend_schema(
        operation_id="auth_token_create",
        summary="A token for `Authorization: Token <key>` (replaced once expired)",
        request=inline_serializer(
            "TokenRequest",
            {
                "username": serializers.CharField(help_text="e.g. bidder1"),
                "password": serializers.CharField(style={"input_type": "password"}),
            },
        ),
        responses={
            200: inline_serializer("TokenAnswer", {"token": serializers.CharField()}),
            429: OpenApiResponse(description="too many failed logins from this address"),
        },
    )
    def post(self, request, *args, **kwargs):
        if address_blocked(request):
            raise exceptions.Throttled()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = Token.objects.filter(user=user).first()
        if token is not None and token_expired(token.created):
            token.delete()
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
