"""Contract generation at award (R-DEAL-2) from the deal's data, refusing while an art.19 item
is missing; one model text per transfer mode; A4 PDF with Chinese fonts embedded."""

import subprocess

import pytest

from contracts.documents import services
from contracts.documents.facts import due_now_fen, missing_labels
from contracts.documents.models import Contract, ContractTerms
from contracts.documents.pdf import rmb_upper
from contracts.models import Deal
from tests import factories as kernel
from tests.documents.factories import awarded_deal, pdf_bytes


def text_of(data, tmp_path):
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_r_deal_2_the_lease_contract_follows_gf_2021_2606(
    db, django_capture_on_commit_callbacks, tmp_path
):
    # given an awarded lease (generated at award by the deal_awarded receiver)
    a = awarded_deal(django_capture_on_commit_callbacks)
    contract = a.contract
    # then the PDF has every section of the model text, the parties, the parcel and the number
    text = text_of(pdf_bytes(contract.current), tmp_path).replace(" ", "")
    for heading in [
        "一、当事人",
        "二、租赁物",
        "三、出租土地用途",
        "四、租赁期限",
        "五、交付时间",
        "六、租金及支付方式",
        "七、甲方权利义务",
        "八、乙方权利义务",
        "九、其他约定",
        "十、变更、解除和终止",
        "十一、违约责任",
        "十二、争议解决",
        "十三、附则",
        "附件清单",
    ]:
        assert heading in text, heading
    listing = a.deal.listing
    assert listing.transferor_household.name in text
    assert a.registration.enterprise.name in text
    assert listing.parcels.get().code in text
    assert "万分之5" in text  # penalties per day of the annual rent
    assert text.count(contract.number) >= contract.current.pages  # on every page
    assert f"第1页/共{contract.current.pages}页" in text
    assert contract.state == "ready" and len(contract.current.sha256) == 64
    assert contract.sign_by is not None


def test_it_refuses_to_generate_while_art_19_items_are_missing_and_says_which(
    db, django_capture_on_commit_callbacks
):
    # given the county's clauses lack the expropriation and liability items (art.19 (九)(十))
    county = kernel.CountyFactory()
    terms = ContractTerms.objects.create(
        county=county, attachments_at_expiry="到期拆除", penalty_per_day_per_10k=0
    )
    # when the deal is awarded
    a = awarded_deal(django_capture_on_commit_callbacks)
    # then no PDF is issued, the deal waits in "awarded" and the missing items are named
    contract = a.contract
    assert contract.state == Contract.State.INCOMPLETE and contract.current is None
    assert contract.missing == ["expropriation", "liability"]
    assert Deal.objects.get(pk=a.deal.pk).state == "awarded"
    assert "征收" in " ".join(missing_labels(contract.missing)) or contract.missing
    # when staff complete the clauses and generate again
    terms.expropriation_compensation = "补偿费归甲方"
    terms.penalty_per_day_per_10k = 3
    terms.dispute_resolution = "向人民法院起诉。"
    terms.save()
    contract = services.contract_generate(deal_id=a.deal.pk, actor=a.staff, new_version=True)
    # then the contract is ready and signing starts
    assert contract.state == "ready" and contract.current.version == 1
    assert Deal.objects.get(pk=a.deal.pk).state == "signing"


def test_parcels_without_boundaries_are_an_art_19_refusal(db, django_capture_on_commit_callbacks):
    # given a parcel whose east boundary was never recorded
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    parcel = a.deal.listing.parcels.get()
    parcel.boundary_east = ""
    parcel.save()
    # when staff regenerate
    contract = services.contract_generate(deal_id=a.deal.pk, actor=a.staff, new_version=True)
    # then it refuses and names the parcels item
    assert contract.state == "incomplete" and contract.missing == ["parcels"]


@pytest.mark.parametrize(
    ("mode", "headings"),
    [
        ("shares", ["六、股份分红及支付方式", "保底收益", "按股分红", "入股合同"]),
        ("forest_transfer", ["林权流转合同", "林地林木基本情况", "六、流转价款及支付方式"]),
        ("sublease", ["转包合同", "二、租赁物"]),
    ],
)
def test_each_transfer_mode_has_its_model_text(
    db, django_capture_on_commit_callbacks, tmp_path, mode, headings
):
    # given an awarded deal of that transfer mode
    a = awarded_deal(django_capture_on_commit_callbacks, transfer_mode=mode, geometry=False)
    # then the contract uses that mode's text
    text = text_of(pdf_bytes(a.contract.current), tmp_path).replace(" ", "")
    for heading in headings:
        assert heading in text, heading


def test_r_deal_3_due_now_follows_the_payment_schedule(db, django_capture_on_commit_callbacks):
    # given a 10-year lease at 500 yuan/mu/year on 20 mu paid every three years
    a = awarded_deal(
        django_capture_on_commit_callbacks, payment_schedule="every_three_years", geometry=False
    )
    deal = a.deal
    # then three years' rent is due now and the schedule adds up to the total to the fen
    assert due_now_fen(deal) == 3 * deal.annual_rent_fen
    schedule = services.rent_schedule(deal)
    assert [r["due_on"].year for r in schedule] == [2030, 2033, 2036]
    assert due_now_fen(deal) + sum(r["amount_fen"] for r in schedule) == deal.total_value_fen


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (100, "壹元整"),
        (1_000_000, "壹万元整"),
        (123_456, "壹仟贰佰叁拾肆元伍角陆分"),
        (100_050_000_07, "壹亿零伍万元零柒分"),
        (20_000_000, "贰拾万元整"),
    ],
)
def test_amounts_in_words(fen, text):
    assert rmb_upper(fen) == text
