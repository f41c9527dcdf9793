import pytest
from django.db import connection
from django.test import Client

from hkcq.core.errors import InvalidInput, NotFound
from hkcq.core.references import Scheme, check_digit
from hkcq.enquiries import selectors
from hkcq.enquiries.references import reference_make, reference_normalise


def test_reference_format_and_round_trip():
    ref = reference_make(2026, 123)
    assert ref.startswith("HKCQ-2026-000123-")
    assert reference_normalise(ref) == ref
    assert reference_normalise(ref.lower().replace("-", " ")) == ref


def test_references_already_issued_keep_their_digit():
    # ISO 7064 MOD 11,10 over year + sequence (hkcq.core.references); changing it would refuse them.
    assert reference_make(2026, 123) == "HKCQ-2026-000123-7"
    assert reference_make(2025, 1) == "HKCQ-2025-000001-" + str(check_digit("2025000001", Scheme.ISO_7064_MOD_11_10))
    assert reference_normalise("HKCQ-2026-000123-7") == "HKCQ-2026-000123-7"
    assert reference_normalise("hkcq 2026 000123 7") == "HKCQ-2026-000123-7"
    assert reference_normalise("HKCQ2026000123 7") == "HKCQ-2026-000123-7"


def test_full_width_characters_from_a_chinese_keyboard_are_read_as_ascii(make_case):
    assert reference_normalise("ＨＫＣＱ－２０２６－０００１２３－７") == "HKCQ-2026-000123-7"
    assert reference_normalise("hkcq２０２６０００１２３７") == "HKCQ-2026-000123-7"
    assert reference_normalise("HKCQ-٢٠٢٦-000123-7") is None  # other scripts' digits are not reference digits
    case = make_case()
    typed = case.reference.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert selectors.enquiry_get_by_reference(typed) == case


def test_a_mistyped_digit_or_swap_or_wrong_check_digit_is_refused():
    assert reference_normalise("HKCQ-2026-000124-7") is None  # one digit wrong
    assert reference_normalise("HKCQ-2026-001023-7") is None  # two neighbours swapped
    assert reference_normalise("HKCQ-2026-000123-8") is None  # check digit wrong


@pytest.mark.parametrize("value", ["", "HKCQ-2026-123-1", "ABCD-2026-000123-1", "HKCQ-2026-000123"])
def test_malformed_references_are_refused(value):
    assert reference_normalise(value) is None


def test_references_are_sequential_per_year_and_valid(make_case):
    first, second = make_case(), make_case()
    assert reference_normalise(first.reference) == first.reference
    assert int(second.reference.split("-")[2]) == int(first.reference.split("-")[2]) + 1


def test_lookup_refuses_a_mistyped_reference_before_searching(make_case):
    case = make_case()
    assert selectors.enquiry_get_by_reference(case.reference.lower()) == case
    digit = int(case.reference[-1])
    typo = case.reference[:-1] + str((digit + 1) % 10)
    with pytest.raises(InvalidInput):
        selectors.enquiry_get_by_reference(typo)
    with pytest.raises(NotFound):
        selectors.enquiry_get_by_reference(reference_make(2031, 999))


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_find_page_checks_the_reference_and_email(make_case, client, lang):
    case = make_case()
    typo = case.reference[:-1] + str((int(case.reference[-1]) + 1) % 10)
    response = client.post(f"/{lang}/enquiries/find/", {"reference": typo, "email": "resident@example.org"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert f'value="{typo}"' in html and 'value="resident@example.org"' in html  # kept as typed
    # A well-formed reference: the same answer whatever the address; the link goes by e-mail.
    for email in ("someone@else.org", "Resident@example.org"):
        response = client.post(f"/{lang}/enquiries/find/", {"reference": case.reference, "email": email})
        assert response.status_code == 302 and response["Location"].endswith("/enquiries/find/#main")


def test_find_form_posts_and_never_reads_the_email_from_the_url(make_case):
    case = make_case()
    client = Client(enforce_csrf_checks=True)
    page = client.get("/en/enquiries/find/")
    html = page.content.decode()
    assert '<form method="post"' in html and 'name="csrfmiddlewaretoken"' in html
    # An old-style link with the address in the URL finds nothing and shows the form, the
    # reference filled in, the address not.
    response = client.get("/en/enquiries/find/", {"reference": case.reference, "email": "resident@example.org"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{case.reference}"' in html and "resident@example.org" not in html and case.token not in html
    # Without the CSRF token a POST is refused.
    refused = client.post("/en/enquiries/find/", {"reference": case.reference, "email": "resident@example.org"})
    assert refused.status_code == 403


ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="the sequence is PostgreSQL's")


@ON_POSTGRESQL
def test_a_number_taken_by_a_server_of_the_previous_release_is_skipped(make_case):
    from hkcq.enquiries.models import Enquiry

    first = make_case()
    _prefix, year, number, _digit = first.reference.split("-")
    # A server still on the previous release numbers from the counter: it took the next number.
    taken = reference_make(int(year), int(number) + 1)
    Enquiry.objects.create(
        reference=taken,
        token="t" * 40,
        question="Taken by the old server",
        email="old@example.org",
        consent_at=first.consent_at,
        content_digest="x",
        received_at=first.received_at,
    )
    second = make_case()
    assert second.reference == reference_make(int(year), int(number) + 2)


@ON_POSTGRESQL
def test_the_counter_catches_up_with_the_sequence_when_the_case_is_routed(make_case):
    from hkcq.enquiries.models import ReferenceCounter

    case = make_case()  # the immediate backend routes before the submission returns
    _prefix, year, number, _digit = case.reference.split("-")
    assert ReferenceCounter.objects.get(year=int(year)).last == int(number)
