import pytest

from hkcq.core.errors import InvalidInput, NotFound
from hkcq.enquiries import services
from hkcq.enquiries.references import check_digit, reference_make, reference_normalise


def test_reference_format_and_round_trip():
    ref = reference_make(2026, 123)
    assert ref.startswith("HKCQ-2026-000123-")
    assert reference_normalise(ref) == ref
    assert reference_normalise(ref.lower().replace("-", " ")) == ref


def test_known_check_digits():
    # ISO 7064 MOD 11,10 worked example: 0794 → 5.
    assert check_digit("0794") == 5
    assert check_digit("2026000123") == int(reference_make(2026, 123)[-1])


def test_every_single_digit_error_and_adjacent_swap_is_caught():
    body = "2026004711"
    good = f"HKCQ-{body[:4]}-{body[4:]}-{check_digit(body)}"
    assert reference_normalise(good) == good
    for i in range(len(body)):
        for d in "0123456789":
            if d == body[i]:
                continue
            typo = body[:i] + d + body[i + 1 :]
            assert reference_normalise(f"HKCQ-{typo[:4]}-{typo[4:]}-{check_digit(body)}") is None, typo
    for i in range(len(body) - 1):
        if body[i] == body[i + 1]:
            continue
        swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
        assert reference_normalise(f"HKCQ-{swapped[:4]}-{swapped[4:]}-{check_digit(body)}") is None, swapped
    # and a wrong check digit
    wrong = (check_digit(body) + 1) % 10
    assert reference_normalise(f"HKCQ-2026-004711-{wrong}") is None


@pytest.mark.parametrize("value", ["", "HKCQ-2026-123-1", "ABCD-2026-000123-1", "HKCQ-2026-000123"])
def test_malformed_references_are_refused(value):
    assert reference_normalise(value) is None


def test_references_are_sequential_per_year_and_valid(make_case):
    first, second = make_case(), make_case()
    assert reference_normalise(first.reference) == first.reference
    assert int(second.reference.split("-")[2]) == int(first.reference.split("-")[2]) + 1


def test_lookup_refuses_a_mistyped_reference_before_searching(make_case):
    case = make_case()
    assert services.enquiry_get_by_reference(case.reference.lower()) == case
    digit = int(case.reference[-1])
    typo = case.reference[:-1] + str((digit + 1) % 10)
    with pytest.raises(InvalidInput):
        services.enquiry_get_by_reference(typo)
    with pytest.raises(NotFound):
        services.enquiry_get_by_reference(reference_make(2031, 999))


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_find_page_checks_the_reference_and_email(make_case, client, lang):
    case = make_case()
    typo = case.reference[:-1] + str((int(case.reference[-1]) + 1) % 10)
    response = client.get(f"/{lang}/enquiries/find/", {"reference": typo, "email": "resident@example.org"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    response = client.get(f"/{lang}/enquiries/find/", {"reference": case.reference, "email": "someone@else.org"})
    assert response.status_code == 200 and case.token not in response.content.decode()
    response = client.get(f"/{lang}/enquiries/find/", {"reference": case.reference, "email": "Resident@example.org"})
    assert response.status_code == 302 and response["Location"].endswith(f"/enquiries/track/{case.token}/")
