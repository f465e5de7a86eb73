"""ValuationReportForm, the form other apps' views use for a report's inputs (R-VAL-3)."""

from valuation.forms import ValuationReportForm

PREFILL = {
    "quality_factor": "1",
    "final_net_income": "1210.00",
    "rotation_age": "20",
    "rate": "0.1",
    "current_age": "18",
    "costs": [["18", "110.00"], ["19", "121.00"]],
}


def _data(**changes):
    data = {
        "quality_factor": "1",
        "final_net_income": "1210.00",
        "thinnings": "",
        "costs": "18: 110\n19：121",
        "rate": "0.1",
        "rotation_age": "20",
        "current_age": "18",
    }
    data.update(changes)
    return data


def test_it_shows_pairs_one_per_line_and_parses_them_back():
    # given a prefilled harvest present value form
    form = ValuationReportForm(method="forest_harvest_present_value", prefill=PREFILL)
    assert form["costs"].initial == "18: 110.00\n19: 121.00"
    # when the prefilled values are posted (with a full-width colon on one line)
    form = ValuationReportForm(_data(), method="forest_harvest_present_value", prefill=PREFILL)
    # then no reason is needed and the inputs are normalised
    assert form.is_valid(), form.errors
    assert form.cleaned_data["inputs"]["costs"] == [["18", "110"], ["19", "121"]]
    assert form.cleaned_data["changed"] == []


def test_r_val_3_a_changed_input_needs_a_reason_next_to_the_field():
    form = ValuationReportForm(
        _data(rate="0.08"), method="forest_harvest_present_value", prefill=PREFILL
    )
    assert not form.is_valid()
    assert "overrides_reason" in form.errors
    form = ValuationReportForm(
        _data(rate="0.08", overrides_reason="林分受灾"),
        method="forest_harvest_present_value",
        prefill=PREFILL,
    )
    assert form.is_valid() and form.cleaned_data["changed"] == ["rate"]


def test_a_formula_refusal_is_shown_on_its_field_in_chinese():
    form = ValuationReportForm(
        _data(current_age="25", costs=""), method="forest_harvest_present_value", prefill={}
    )
    assert not form.is_valid()
    assert form.errors["current_age"] == ["现实林龄不能超过主伐年龄。"]


def test_a_badly_written_pair_is_refused_on_its_field():
    form = ValuationReportForm(
        _data(thinnings="15 1200"), method="forest_harvest_present_value", prefill=PREFILL
    )
    assert not form.is_valid()
    assert "thinnings" in form.errors


def test_a_missing_required_input_is_refused():
    form = ValuationReportForm(
        {"annual_income": "", "rate": "0.05", "years": "10"},
        method="income_capitalisation",
        prefill={},
    )
    assert not form.is_valid()
    assert "annual_income" in form.errors
