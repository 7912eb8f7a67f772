"""Real-world mess is present, in the shares mess.py declares."""

from __future__ import annotations

from sandbox.data import codes as c
from sandbox.data import lab_codes as lc
from sandbox.data import mess
from sandbox.data.profile import draw_profile
from sandbox.identity import PatientRef
from tests.data.data_helpers import AS_OF, SEED, generated_charts, persona_chart

CONVERTIBLE = {d.loinc: d for d in lc.LABS.values() if d.alt} | {
    d.local_code: d for d in lc.LABS.values() if d.alt}


def share(hits: int, total: int) -> float:
    assert total > 0
    return hits / total


def close(observed: float, declared: float) -> bool:
    return abs(observed - declared) <= max(0.025, declared * 0.3)


def test_each_kind_of_mess_appears_in_its_declared_share() -> None:
    charts = generated_charts(40)
    labs = [lab for ch in charts for lab in ch.records["labs"]]
    numeric = [lab for lab in labs if lab["value"] is not None]
    local = sum(lab["codes"][0]["system"] == c.LOCAL_LAB for lab in labs)
    assert close(share(local, len(labs)), mess.LOCAL_LAB_CODE_SHARE)
    text_only = [lab for lab in numeric if lab["reference_range"]["low"] is None
                 and lab["reference_range"]["high"] is None]
    assert close(share(len(text_only), len(numeric)), mess.TEXT_RANGE_SHARE)
    assert all(lab["reference_range"]["text"] for lab in text_only)
    convertible = [lab for lab in numeric if lab["codes"][0]["code"] in CONVERTIBLE]
    si = sum(lab["unit"] != CONVERTIBLE[lab["codes"][0]["code"]].unit for lab in convertible)
    assert close(share(si, len(convertible)), mess.SI_UNIT_SHARE)
    weights = [v for ch in charts for v in ch.records["vitals"] if v["codes"][0]["code"] == "29463-7"]
    imperial = sum(v["unit"] == "[lb_av]" for v in weights)
    assert close(share(imperial, len(weights)), mess.IMPERIAL_VITAL_SHARE)
    assert all(v["display_value"].endswith(" lb") for v in weights if v["unit"] == "[lb_av]")
    conds = [x for ch in charts for x in ch.records["conditions"]]
    icd_only = sum(all(code["system"] == c.ICD10CM for code in x["codes"]) for x in conds)
    assert close(share(icd_only, len(conds)), mess.ICD_ONLY_CONDITION_SHARE)
    docs = [x for ch in charts for x in ch.records["encounters"]]
    no_location = sum(x["location"] is None for x in docs)
    assert close(share(no_location, len(docs)), mess.NULL_FIELD_SHARE)


def test_a_share_of_patients_without_allergies_carry_a_text_only_nkda() -> None:
    profiles = [draw_profile(SEED, PatientRef.from_email(SEED, f"nkda.{i}@example.org"), AS_OF)
                for i in range(400)]
    without = [p for p in profiles if not p.allergies]
    assert close(share(sum(p.nkda for p in without), len(without)), mess.NKDA_TEXT_SHARE)


def test_a_text_only_nkda_entry_has_no_code() -> None:
    (nkda,) = persona_chart("priya.errors@example.com").records["allergies"]
    assert nkda["substance"] == "NKDA" and nkda["codes"] == [] and nkda["reactions"] == []
