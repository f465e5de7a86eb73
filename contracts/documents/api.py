"""Documents API (read-only; token or session auth): a deal's contract versions with their
SHA-256 and signature status, the transaction certificate's facts (R-DEAL-8), PDF downloads, and
the public verification of a certificate number (no ID numbers, household names masked).

Who reads what follows the screens (`selectors.deal_readable_by`): staff and auditors in their
county, the transferor household, its station's operators and the transferee; in the contract
list an agribusiness sees its own contracts only. Refusals are `{code, detail}` with 4xx
(marketplace.api.exception_handler); unknown numbers are 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from marketplace.money import fen_to_yuan
from marketplace.storage import private_file_response

from . import selectors, services
from .models import Contract, DealDocument, Signature
from .services.common import sha256_hex

MAX_ID = 2**63 - 1
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="the PDF (application/pdf)")
CERTIFICATE_NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    description="the certificate's number, JZ-<county>-<year>-<6 digits>",
    examples=[OpenApiExample("a certificate", value="JZ-433126-2026-000001")],
)
DEAL_NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    description="the deal's number, JY-<county>-<year>-<sequence>",
    examples=[OpenApiExample("a deal", value="JY-433126-2026-000001")],
)
YUAN = {"max_digits": 16, "decimal_places": 2, "allow_null": True}


def _yuan(fen) -> str | None:
    return None if fen is None else str(fen_to_yuan(int(fen)))


# ---------------------------------------------------------------- schema (responses)


class DocumentErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(
        help_text="contract | contract_final | certificate | filing_notice | registration_notice"
    )
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    pages = serializers.IntegerField()
    size = serializers.IntegerField(help_text="bytes")
    created_at = serializers.DateTimeField()
    download_url = serializers.URLField()


class SignatureSerializer(serializers.Serializer):
    party = serializers.ChoiceField(Signature.Party.choices)
    method = serializers.ChoiceField(Signature.Method.choices)
    mark = serializers.ChoiceField(Signature.Mark.choices)
    signer_name = serializers.CharField()
    witnessed = serializers.BooleanField(help_text="signed on paper at the station, witnessed")
    signed_at = serializers.DateTimeField()
    pdf_sha256 = serializers.CharField(help_text="SHA-256 of the exact PDF version signed")


class ContractVersionSerializer(DocumentSerializer):
    signatures = SignatureSerializer(many=True)


class ContractSerializer(serializers.Serializer):
    number = serializers.CharField()
    state = serializers.ChoiceField(Contract.State.choices)
    template = serializers.CharField(help_text="lease | shares | forest_transfer")
    transferee = serializers.CharField()
    sign_by = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="art.19 items missing (state incomplete)"
    )
    current_sha256 = serializers.CharField(allow_null=True)
    signed_by = serializers.ListField(
        child=serializers.CharField(),
        help_text="the parties that signed the current version: transferor, transferee",
    )
    versions = ContractVersionSerializer(many=True)
    final = DocumentSerializer(allow_null=True, help_text="signed PDF with the signature page")


class DealContractsSerializer(serializers.Serializer):
    deal = serializers.CharField()
    state = serializers.CharField()
    contracts = ContractSerializer(many=True)


class NoticeSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="filing_notice | registration_notice")
    rendered = serializers.BooleanField(help_text="false until its first download")
    sha256 = serializers.CharField(allow_null=True)
    download_url = serializers.URLField()


class CertificateParcelSerializer(serializers.Serializer):
    place = serializers.CharField()
    code = serializers.CharField()
    area_mu = serializers.DecimalField(max_digits=12, decimal_places=4)


class CertificateSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="JZ-<county>-<year>-<6 digits>")
    deal = serializers.CharField()
    listing = serializers.CharField()
    issued_at = serializers.DateTimeField()
    transferor = serializers.CharField()
    transferee = serializers.CharField()
    parcels = CertificateParcelSerializer(many=True)
    transfer_mode = serializers.CharField()
    use = serializers.CharField()
    term_start = serializers.DateField()
    term_end = serializers.DateField()
    term_years = serializers.DecimalField(max_digits=6, decimal_places=2)
    price_yuan = serializers.DecimalField(**YUAN)
    price_unit = serializers.CharField(help_text="per_mu_year | total")
    annual_rent_yuan = serializers.DecimalField(**YUAN)
    total_value_yuan = serializers.DecimalField(**YUAN)
    contract = serializers.CharField()
    contract_signed_at = serializers.DateTimeField(allow_null=True)
    settled_at = serializers.DateTimeField(allow_null=True)
    result_announcement_ends_at = serializers.DateTimeField(allow_null=True)
    document = DocumentSerializer(allow_null=True, help_text="null while the PDF is produced")
    notices = NoticeSerializer(many=True)
    verify_url = serializers.URLField()


class VerificationSerializer(serializers.Serializer):
    number = serializers.CharField()
    issued_at = serializers.DateTimeField()
    deal = serializers.CharField()
    listing = serializers.CharField()
    location = serializers.CharField()
    transferor = serializers.CharField(help_text="a household: 村民 张** (R-LIST-7)")
    transferee = serializers.CharField(help_text="a natural person's name is masked")
    parcels = serializers.ListField(child=serializers.DictField())
    transfer_mode = serializers.CharField()
    term_start = serializers.DateField()
    term_end = serializers.DateField()
    total_value_yuan = serializers.DecimalField(**YUAN)
    awarded_at = serializers.DateTimeField(allow_null=True)
    sha256 = serializers.CharField(allow_null=True, help_text="of the certificate PDF")


class VerificationResultSerializer(serializers.Serializer):
    genuine = serializers.BooleanField()
    kind = serializers.CharField(allow_null=True, help_text="which document it is, if genuine")
    version = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(help_text="of the uploaded file")


class VerificationUpload(serializers.Serializer):
    file = serializers.FileField(help_text="the PDF to check, at most 20 MB")


# ---------------------------------------------------------------- payloads


def document_payload(doc, request) -> dict:
    return {
        "id": doc.pk,
        "kind": doc.kind,
        "version": doc.version,
        "sha256": doc.sha256,
        "pages": doc.pages,
        "size": doc.size,
        "created_at": doc.created_at,
        "download_url": reverse("api-document-pdf", args=[doc.pk], request=request),
    }


def signature_payload(s) -> dict:
    return {
        "party": s.party,
        "method": s.method,
        "mark": s.mark,
        "signer_name": s.signer_name,
        "witnessed": s.witnessed_by_id is not None,
        "signed_at": s.signed_at,
        "pdf_sha256": s.pdf_sha256,
    }


def contract_payload(contract, versions, signatures, request) -> dict:
    current = [s for s in signatures.get(contract.current_id, []) if s.contract_id == contract.pk]
    return {
        "number": contract.number,
        "state": contract.state,
        "template": contract.template,
        "transferee": contract.transferee.name,
        "sign_by": contract.sign_by,
        "signed_at": contract.signed_at,
        "missing": list(contract.missing or []),
        "current_sha256": contract.current.sha256 if contract.current_id else None,
        "signed_by": sorted({s.party for s in current}),
        "versions": [
            {
                **document_payload(doc, request),
                "signatures": [
                    signature_payload(s)
                    for s in signatures.get(doc.pk, [])
                    if s.contract_id == contract.pk
                ],
            }
            for doc in versions
        ],
        "final": document_payload(contract.final, request) if contract.final_id else None,
    }


def certificate_payload(certificate, request) -> dict:
    deal = certificate.deal
    facts = certificate.notice_facts or services.certificate_notice_snapshot(certificate)
    stored = {
        d.kind: d
        for d in DealDocument.objects.filter(
            deal=deal, kind__in=services.certificate_notice_kinds(certificate)
        ).order_by("version")
    }
    notices = [
        {
            "kind": kind,
            "rendered": kind in stored,
            "sha256": stored[kind].sha256 if kind in stored else None,
            "download_url": reverse(
                "api-notice-pdf", args=[certificate.number, kind], request=request
            ),
        }
        for kind in services.certificate_notice_kinds(certificate)
    ]
    return {
        "number": certificate.number,
        "deal": deal.number,
        "listing": deal.listing.number,
        "issued_at": certificate.issued_at,
        "transferor": facts["transferor"],
        "transferee": facts["transferee"],
        "parcels": facts["parcels"],
        "transfer_mode": facts["mode"],
        "use": facts["use"],
        "term_start": facts["term_start"],
        "term_end": facts["term_end"],
        "term_years": facts["term_years"],
        "price_yuan": _yuan(deal.price_fen),
        "price_unit": deal.price_unit,
        "annual_rent_yuan": _yuan(deal.annual_rent_fen),
        "total_value_yuan": _yuan(deal.total_value_fen),
        "contract": certificate.contract.number,
        "contract_signed_at": certificate.contract.signed_at,
        "settled_at": deal.settled_at,
        "result_announcement_ends_at": deal.result_announcement_ends_at,
        "document": document_payload(certificate.document, request)
        if certificate.document_id
        else None,
        "notices": notices,
        "verify_url": request.build_absolute_uri(certificate.get_absolute_url()),
    }


def pdf_response(doc):
    return private_file_response(
        doc.file,
        as_attachment=True,
        filename=f"{doc.deal.number}-{doc.kind}-v{doc.version}.pdf",
        content_type="application/pdf",
    )


# ---------------------------------------------------------------- views


class DealContractsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="deal_contracts_retrieve",
        parameters=[DEAL_NUMBER],
        summary="A deal's contracts: versions with SHA-256, signatures, the signed PDF (R-DEAL-2)",
        responses={
            200: DealContractsSerializer,
            403: DocumentErrorSerializer,
            404: DocumentErrorSerializer,
        },
    )
    def get(self, request, number):
        deal, contracts = selectors.contracts_readable(number=number, user=request.user)
        versions = selectors.contract_versions(deal, contracts)
        signatures = selectors.signatures_by_document(contracts)
        return Response(
            {
                "deal": deal.number,
                "state": deal.state,
                "contracts": [
                    contract_payload(c, versions.get(c.pk, []), signatures, request)
                    for c in contracts
                ],
            }
        )


class CertificateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="certificate_retrieve",
        parameters=[CERTIFICATE_NUMBER],
        summary="A transaction certificate's facts, PDF and notices (R-DEAL-8)",
        responses={
            200: CertificateSerializer,
            403: DocumentErrorSerializer,
            404: DocumentErrorSerializer,
        },
    )
    def get(self, request, number):
        certificate = selectors.certificate_get_for_user(number=number, user=request.user)
        return Response(certificate_payload(certificate, request))


class DocumentPdfView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="document_pdf_retrieve",
        summary="Download a deal document's PDF (its SHA-256 is in the listings above)",
        responses={
            (200, "application/pdf"): PDF,
            403: DocumentErrorSerializer,
            404: DocumentErrorSerializer,
        },
    )
    def get(self, request, pk):
        if pk > MAX_ID:
            pk = 0
        return pdf_response(selectors.document_get_for_user(pk=pk, user=request.user))


class NoticePdfView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="certificate_notice_pdf_retrieve",
        parameters=[CERTIFICATE_NUMBER],
        summary="Download a certificate's filing or registration notice (rendered on first "
        "download from the facts fixed at issue, R-DEAL-8)",
        responses={
            (200, "application/pdf"): PDF,
            403: DocumentErrorSerializer,
            404: DocumentErrorSerializer,
        },
    )
    def get(self, request, number, kind):
        certificate = selectors.certificate_get_for_user(number=number, user=request.user)
        return pdf_response(services.certificate_notice(certificate=certificate, kind=kind))


class VerifyView(APIView):
    """Public: what the QR code's page shows, and the check of an uploaded PDF."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="verify_retrieve",
        parameters=[CERTIFICATE_NUMBER],
        summary="Public verification of a certificate number (no ID numbers; names masked)",
        responses={200: VerificationSerializer, 404: DocumentErrorSerializer},
    )
    def get(self, request, number):
        return Response(selectors.certificate_public_facts(number=number))

    @extend_schema(
        operation_id="verify_create",
        parameters=[CERTIFICATE_NUMBER],
        summary="Check that a PDF is a genuine document of this certificate (by SHA-256)",
        request={"multipart/form-data": VerificationUpload},
        responses={
            200: VerificationResultSerializer,
            404: DocumentErrorSerializer,
            422: DocumentErrorSerializer,
        },
    )
    def post(self, request, number):
        certificate = selectors.certificate_public(number=number)
        data = services.verification_upload_read(request.FILES.get("file"))
        match = services.document_verify(certificate=certificate, data=data)
        return Response(
            {
                "genuine": match is not None,
                "kind": match.kind if match else None,
                "version": match.version if match else None,
                "sha256": sha256_hex(data),
            }
        )
