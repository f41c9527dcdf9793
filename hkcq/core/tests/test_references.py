"""The check-digit arithmetic, tested once here; the apps test the format of their references."""

import random

import pytest

from hkcq.core.references import Scheme, check_digit, check_digit_matches

ISO = Scheme.ISO_7064_MOD_11_10
LUHN = Scheme.LUHN


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("0794", 5),  # the worked example of ISO 7064 MOD 11,10
        ("79462", 3),  # python-stdnum / stdnum-js: 794623 is valid
        ("00200667308", 5),  # stdnum-js: 002006673085 is valid
        ("0100000138", 1),  # DIZtools (R) calculate_check_digit("100000138")
        ("0123456789", 6),  # DIZtools (R) calculate_check_digit(123456789)
    ],
)
def test_iso_7064_mod_11_10_known_vectors(digits, expected):
    assert check_digit(digits, ISO) == expected


@pytest.mark.parametrize(
    ("digits", "expected"),
    [
        ("7992739871", 3),  # the textbook Luhn example: 79927398713
        ("7894", 9),  # python-stdnum luhn: 78949 is valid
        ("411111111111111", 1),  # the card-test number 4111 1111 1111 1111
        ("000000", 0),
    ],
)
def test_luhn_known_vectors(digits, expected):
    assert check_digit(digits, LUHN) == expected


def _iso_valid(number: str) -> bool:
    """ISO 7064's validation of a complete number: run the recurrence over every digit, the
    check digit included; the last sum is 1 (mod 10). Independent of how the digit was made."""
    product = 10
    for char in number[:-1]:
        total = (product + int(char)) % 10 or 10
        product = (total * 2) % 11
    return (product + int(number[-1])) % 10 == 1


def _luhn_valid(number: str) -> bool:
    """Luhn's validation: double every second digit from the right (check digit not doubled),
    add the digits of the results; the sum is a multiple of 10."""
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char) * (2 if index % 2 else 1)
        total += value // 10 + value % 10
    return total % 10 == 0


@pytest.mark.parametrize(("scheme", "valid"), [(ISO, _iso_valid), (LUHN, _luhn_valid)])
def test_the_digit_made_passes_the_schemes_own_validation(scheme, valid):
    rng = random.Random(7064)
    for _ in range(2000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 12)))
        number = digits + str(check_digit(digits, scheme))
        assert valid(number), number
        # exactly one digit completes the number
        assert [d for d in "0123456789" if valid(digits + d)] == [number[-1]]


def _single_digit_errors(body: str):
    for i, original in enumerate(body):
        for d in "0123456789":
            if d != original:
                yield body[:i] + d + body[i + 1 :]


def _adjacent_swaps(body: str):
    for i in range(len(body) - 1):
        if body[i] != body[i + 1]:
            yield body[:i] + body[i + 1] + body[i] + body[i + 2 :], body[i : i + 2]


def test_iso_catches_every_single_digit_error_and_nearly_every_adjacent_swap():
    body = "2026004711"  # a reference whose every single error and swap is caught
    digit = check_digit(body, ISO)
    assert check_digit_matches(body, digit, ISO)
    assert not any(check_digit_matches(typo, digit, ISO) for typo in _single_digit_errors(body))
    assert not any(check_digit_matches(swapped, digit, ISO) for swapped, _ in _adjacent_swaps(body))
    # Over many bodies: still every single error, but about 2 % of swaps slip through (9090909090 → 9090900990).
    assert check_digit_matches("9090900990", check_digit("9090909090", ISO), ISO)
    rng = random.Random(1110)
    swaps = missed = 0
    for _ in range(300):
        body = "".join(rng.choice("0123456789") for _ in range(10))
        digit = check_digit(body, ISO)
        assert not any(check_digit_matches(typo, digit, ISO) for typo in _single_digit_errors(body)), body
        for swapped, _ in _adjacent_swaps(body):
            swaps += 1
            missed += check_digit_matches(swapped, digit, ISO)
    assert 0 < missed / swaps < 0.04


@pytest.mark.parametrize("body", ["000042", "123456", "9090909090"])
def test_luhn_catches_every_single_digit_error_and_every_swap_but_09(body):
    digit = check_digit(body, LUHN)
    for typo in _single_digit_errors(body):
        assert not check_digit_matches(typo, digit, LUHN), typo
    for swapped, pair in _adjacent_swaps(body):
        assert check_digit_matches(swapped, digit, LUHN) is (pair in ("09", "90")), swapped


def test_matches_takes_the_digit_as_text_or_number():
    assert check_digit_matches("0794", "5", ISO) and check_digit_matches("0794", 5, ISO)
    assert not check_digit_matches("0794", "4", ISO)
    assert check_digit_matches("7992739871", "3", LUHN) and not check_digit_matches("7992739871", 4, LUHN)


def test_schemes_have_stable_names():
    assert Scheme("iso7064-mod-11-10") is ISO and Scheme("luhn") is LUHN
