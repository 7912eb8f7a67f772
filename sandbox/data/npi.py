"""National Provider Identifiers: 10 digits whose last digit is a Luhn check digit computed
over the 9-digit base prefixed with 80840 (the health-industry card issuer prefix)."""

from __future__ import annotations


def _luhn_sum(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # doubled positions, counted from the right of the payload
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total


def check_digit(base9: str) -> str:
    return str((10 - _luhn_sum("80840" + base9) % 10) % 10)


def make_npi(base9: str) -> str:
    if len(base9) != 9 or not base9.isdigit():
        raise ValueError("an NPI base is 9 digits")
    return base9 + check_digit(base9)


def is_valid_npi(npi: str) -> bool:
    if len(npi) != 10 or not npi.isdigit() or npi[0] not in "12":
        return False
    return check_digit(npi[:9]) == npi[9]
