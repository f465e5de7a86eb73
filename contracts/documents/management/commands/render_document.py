"""python manage.py render_document {contract|certificate|valuation} <deal number> --out FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contracts.models import Deal


class Command(BaseCommand):
    help = "Write a deal's contract, certificate or valuation report as PDF (for staff and checks)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["contract", "certificate", "valuation"])
        parser.add_argument("deal_number")
        parser.add_argument("--out", required=True, help="the PDF file to write")

    def handle(self, *args, kind, deal_number, out, **options):
        deal = Deal.objects.select_related("listing").filter(number=deal_number).first()
        if deal is None:
            raise CommandError(f"No deal {deal_number}.")
        pdf = getattr(self, f"_{kind}")(deal)
        Path(out).write_bytes(pdf)
        self.stdout.write(f"{kind} of {deal.number}: {len(pdf)} bytes → {out}")

    def _contract(self, deal):
        from contracts.documents.facts import contract_facts
        from contracts.documents.models import Contract
        from contracts.documents.pdf import render_contract_pdf, render_signed_contract_pdf
        from contracts.documents.services.generation import signature_rows
        from contracts.documents.services.schedule import rent_schedule

        contract = deal.contracts.exclude(state=Contract.State.VOID).first()
        if contract is None:
            raise CommandError("This deal has no contract yet (it is generated at award).")
        if contract.final_id:
            return contract.final.file.read()
        facts = contract_facts(deal, registration=contract.registration, number=contract.number)
        if facts.missing:
            raise CommandError(f"The contract cannot be generated; missing: {facts.missing}")
        if contract.state == Contract.State.SIGNED:
            pdf, _pages = render_signed_contract_pdf(
                facts,
                schedule=rent_schedule(deal),
                signed=contract.current,
                signatures=signature_rows(contract),
            )
            return pdf
        pdf, _pages = render_contract_pdf(
            facts,
            schedule=rent_schedule(deal),
            version=contract.current.version if contract.current_id else None,
        )
        return pdf

    def _certificate(self, deal):
        from contracts.documents.facts import contract_facts
        from contracts.documents.models import Certificate
        from contracts.documents.pdf import render_certificate_pdf

        certificate = Certificate.objects.filter(deal=deal).select_related("document").first()
        if certificate is None:
            raise CommandError("No certificate has been issued for this deal.")
        if certificate.document_id:
            return certificate.document.file.read()
        contract = certificate.contract
        facts = contract_facts(deal, registration=contract.registration, number=contract.number)
        return render_certificate_pdf(certificate, facts)[0]

    def _valuation(self, deal):
        from valuation.pdf import render_valuation_report_pdf

        report = deal.listing.valuation_report
        if report is None:
            raise CommandError("The deal's listing has no valuation report.")
        return render_valuation_report_pdf(report)
