"""Same seed, same records: in any process, whatever PYTHONHASHSEED says."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

from sandbox.data.chart import Charts
from sandbox.identity import PatientRef
from tests.data.data_helpers import FIXTURES, ROOT

SCRIPT = """
import hashlib, json, sys
from datetime import datetime
from pathlib import Path
from sandbox.data.chart import Charts
from sandbox.identity import PatientRef
seed, email, as_of = int(sys.argv[1]), sys.argv[2], datetime.fromisoformat(sys.argv[3])
chart = Charts(seed, Path(sys.argv[4]), as_of).chart(PatientRef.from_email(seed, email))
body = json.dumps({"patient": chart.patient, "records": chart.records}, sort_keys=True)
print(hashlib.sha256(body.encode()).hexdigest())
"""
AS_OF = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def digest_here(seed: int, email: str) -> str:
    chart = Charts(seed, FIXTURES, AS_OF).chart(PatientRef.from_email(seed, email))
    body = json.dumps({"patient": chart.patient, "records": chart.records}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def digest_in_process(seed: int, email: str, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(seed), email, AS_OF.isoformat(),
                          str(FIXTURES)], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.strip()


def test_two_processes_build_identical_json_for_a_persona_and_a_generated_patient() -> None:
    for email in ("walter.cardiac@example.com", "someone.new@example.org"):
        first = digest_in_process(11, email, "1")
        assert first == digest_in_process(11, email, "2024")
        assert first == digest_here(11, email)


def test_a_different_seed_gives_a_different_chart() -> None:
    assert digest_here(1, "someone.new@example.org") != digest_here(2, "someone.new@example.org")


def test_one_resource_does_not_shift_another() -> None:
    # every resource draws from its own stream: the vitals of a chart do not depend on
    # how many random numbers the labs consumed, so rebuilding only vitals gives the same
    from sandbox.data import gen_vitals

    charts = Charts(5, FIXTURES, AS_OF)
    ref = PatientRef.from_email(5, "linda.diabetes@example.com")
    story = charts.story(ref)
    assert tuple(sorted(gen_vitals.vitals(story), key=lambda r: r["id"])) == tuple(
        sorted(charts.chart(ref).records["vitals"], key=lambda r: r["id"]))
