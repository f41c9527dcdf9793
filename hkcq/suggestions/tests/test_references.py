"""The format of suggestion references; the Luhn arithmetic is tested in hkcq/core/tests/test_references.py."""

import pytest

from hkcq.suggestions.references import reference_for, reference_normalise


def test_references_already_issued_keep_their_luhn_digit():
    assert reference_for(42) == "SG-000042-2"
    assert reference_for(1) == "SG-000001-8"
    assert reference_for(1_234_567) == "SG-1234567-4"  # more than six digits once past 999999


@pytest.mark.parametrize(
    "typed", ["SG-000042-2", "sg-000042-2", "SG0000422", " SG 000042 - 2 ", "sg000042-2", "ＳＧ－００００４２－２"]
)
def test_typing_slips_are_forgiven(typed):
    assert reference_normalise(typed) == "SG-000042-2"


@pytest.mark.parametrize(
    "typed",
    [
        "SG-000042-3",  # wrong check digit
        "SG-000043-2",  # one digit wrong
        "SG-000024-2",  # neighbours swapped
        "SG-00042-2",  # too short
        "HKCQ-000042-2",  # another app's prefix
        "SG-000042",  # no check digit
        "",
    ],
)
def test_malformed_or_mistyped_references_are_refused(typed):
    assert reference_normalise(typed) is None
