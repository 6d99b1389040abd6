"""The upward JSON read back: whatever a unit published comes back as the same figures."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skm_core.content.models import UNSUR_CODES
from skm_core.reports.upward import SCHEMA, SCHEMA_VERSION, UpwardProblem, read_upward

nrr_values = st.decimals(min_value=1, max_value=4, places=4, allow_nan=False)


@given(
    first=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    days=st.integers(min_value=0, max_value=366),
    respondents=st.integers(min_value=0, max_value=10**6),
    nrr=st.lists(nrr_values, min_size=9, max_size=9),
    ikm=st.decimals(min_value=25, max_value=100, places=2, allow_nan=False),
)
def test_a_published_result_reads_back_unchanged(first, days, respondents, nrr, ikm):
    document = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "period": {"first": first.isoformat(), "last": (first + timedelta(days)).isoformat()},
        "respondents": respondents,
        "nrr": {code: float(value) for code, value in zip(UNSUR_CODES, nrr, strict=True)},
        "ikm": float(ikm),
    }
    result = read_upward(json.dumps(document))
    assert (result.first, result.last, result.respondents) == (
        first,
        first + timedelta(days),
        respondents,
    )
    assert result.nrr == dict(zip(UNSUR_CODES, nrr, strict=True))
    assert result.ikm == ikm


def test_an_nrr_outside_the_scale_names_the_unsur():
    document = {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "period": {"first": "2023-01-01", "last": "2023-12-31"},
        "respondents": 10,
        "nrr": {code: 3.5 for code in UNSUR_CODES} | {"U4": 4.2},
        "ikm": Decimal("90"),
    }
    with pytest.raises(UpwardProblem, match=r"nrr: Value error, U4: NRR 4\.2 is outside 1\.\.4"):
        read_upward(json.dumps(document, default=str))
