from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sandbox.identity import patient_id_for_email
from sandbox.oauth.scopes import parse_scope
from sandbox.testing import run_code_flow
from tests.conftest import make_client


def test_same_email_gives_same_patient_id_in_two_app_instances() -> None:
    ids = []
    for email in ("Maria.Lopez@Example.com", " maria.lopez@example.com "):
        with make_client(consent_mode="auto-approve") as client:
            ids.append(run_code_flow(client, email=email.strip())["patient_id"])
    assert ids[0] == ids[1]


def test_different_emails_and_seeds_give_different_patient_ids() -> None:
    assert patient_id_for_email(1, "a@example.com") != patient_id_for_email(1, "b@example.com")
    assert patient_id_for_email(1, "a@example.com") != patient_id_for_email(2, "a@example.com")


scopes = st.lists(st.sampled_from(["patient:read-all", "offline_access"]), min_size=1, max_size=5)
spaces = st.text(alphabet=" ", min_size=1, max_size=4)


@given(scopes, st.data())
def test_scope_strings_in_any_order_and_spacing_parse_the_same(chosen: list[str], data: st.DataObject) -> None:
    permuted = data.draw(st.permutations(chosen))
    separators = [data.draw(spaces) for _ in permuted]
    lead, trail = data.draw(st.text(alphabet=" ", max_size=3)), data.draw(st.text(alphabet=" ", max_size=3))
    text = lead + "".join(s + sep for s, sep in zip(permuted, separators, strict=True)) + trail
    assert parse_scope(text) == parse_scope(" ".join(chosen)) == tuple(sorted(set(chosen)))
