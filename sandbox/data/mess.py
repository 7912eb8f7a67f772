"""Real-world mess, on purpose and in known shares.

Aggregated EHR data is never clean. Each kind of mess below is applied to a fixed share of
the eligible records, chosen by a hash of the record key (so the choice is deterministic
and independent of every random stream). The tests measure the observed shares.
"""

from __future__ import annotations

from sandbox.data.seeds import unit

# labs: a result sent with the lab's local code only, no LOINC
LOCAL_LAB_CODE_SHARE = 0.05
# labs: reference range as free text only ("70-99 mg/dL"), no numeric low/high
TEXT_RANGE_SHARE = 0.08
# labs with an SI alternative (glucose, cholesterol, creatinine, hemoglobin): reported in SI
SI_UNIT_SHARE = 0.10
# vitals weight/height: reported in [lb_av]/[in_i] instead of kg/cm
IMPERIAL_VITAL_SHARE = 0.15
# conditions: the source sends ICD-10-CM only, no SNOMED CT
ICD_ONLY_CONDITION_SHARE = 0.12
# optional fields the source leaves empty (lot numbers, dosage text, locations, issued...)
NULL_FIELD_SHARE = 0.10
# patients with no recorded allergies whose source still sends a text-only "NKDA" entry
NKDA_TEXT_SHARE = 0.35
# with two connected EHRs: share of the primary's meds/conditions/allergies the second repeats
DUPLICATE_SHARE = 0.6


def chosen(share: float, *key: object) -> bool:
    """True for `share` of all keys: a fixed hash, not a random stream."""
    return unit("mess", *key) < share
