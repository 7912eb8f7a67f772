"""The simulated EHR portals of the hosted flow: health systems and test credentials.

Test credentials select outcomes, in the style of payment sandboxes; the login page lists
them. The username decides the outcome, so a scripted client can reach each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import yaml

VENDOR_NAMES = {
    "epic": "Epic", "cerner": "Oracle Health (Cerner)", "athenahealth": "athenahealth",
    "eclinicalworks": "eClinicalWorks", "nextgen": "NextGen", "meditech": "MEDITECH",
    "allscripts": "Allscripts (Veradigm)",
}

GOOD_PASSWORD = "password"  # noqa: S105 - a documented test credential
ONE_TIME_CODE = "123456"
EMAIL_CODE = "123456"


class LoginOutcome(Enum):
    CONNECTED = "connected"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - an outcome name, not a secret
    LOCKED = "locked"
    NEEDS_OTP = "needs_otp"
    PORTAL_DOWN = "portal_down"


# username -> outcome with the right password; listed on the login page.
TEST_USERS: dict[str, tuple[LoginOutcome, str]] = {
    "patient": (LoginOutcome.CONNECTED, "connects at once"),
    "otp": (LoginOutcome.NEEDS_OTP, f"asks for a one-time code ({ONE_TIME_CODE})"),
    "locked": (LoginOutcome.LOCKED, "the account is locked"),
    "down": (LoginOutcome.PORTAL_DOWN, "the portal is unavailable"),
}


@dataclass(frozen=True)
class HealthSystem:
    id: str
    name: str
    city: str
    state: str
    vendor: str
    portal: str

    @property
    def vendor_name(self) -> str:
        return VENDOR_NAMES.get(self.vendor, self.vendor)

    def matches(self, query: str) -> bool:
        text = f"{self.name} {self.city} {self.state} {self.vendor_name} {self.portal}".lower()
        return all(word in text for word in query.lower().split())


def load_health_systems(fixtures_dir: Path) -> dict[str, HealthSystem]:
    doc = yaml.safe_load((fixtures_dir / "health_systems.yaml").read_text(encoding="utf-8"))
    return {s["id"]: HealthSystem(**s) for s in doc["health_systems"]}


def login(username: str, password: str) -> LoginOutcome:
    outcome, _ = TEST_USERS.get(username.strip().lower(), (LoginOutcome.WRONG_PASSWORD, ""))
    if outcome in (LoginOutcome.LOCKED, LoginOutcome.PORTAL_DOWN):
        return outcome
    if password != GOOD_PASSWORD:
        return LoginOutcome.WRONG_PASSWORD
    return outcome
