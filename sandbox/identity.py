"""Who the patient is: the email given at authorize, mapped to a stable patient_id.

The patient_id is derived, never stored: HMAC(seed, normalized email). The same email
(case-insensitive, surrounding spaces ignored) gives the same id in every process and
after every restart for a given seed, and a different seed gives a different population.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def patient_id_for_email(seed: int, email: str) -> str:
    digest = hmac.new(
        str(seed).encode(), normalize_email(email).encode(), hashlib.sha256
    ).digest()
    return "pat_" + base64.b32encode(digest[:15]).decode().lower()


@dataclass(frozen=True)
class PatientRef:
    """What the data layer knows of a patient: enough to build the whole chart.

    `email`, `first_name` and `last_name` are those given at authorize; a token minted
    through the sandbox controls for a bare patient_id has them empty, and the chart
    then draws a name from Faker.
    """

    patient_id: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""

    @classmethod
    def from_email(cls, seed: int, email: str, first_name: str = "", last_name: str = "") -> PatientRef:
        return cls(patient_id_for_email(seed, email), normalize_email(email), first_name, last_name)
