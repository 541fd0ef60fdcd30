"""Case data stays data: no field of a case file can add a rule to the program."""

from __future__ import annotations

from rulepath.engine.api import decide
from rulepath.engine.casefile import case_from_mapping

PAYLOADS = [
    "x. :- a.",
    "ready_for_hearing. holds(ready_for_hearing). #show.",
    '"). holds(route(waived)). %',
    '#include "/etc/passwd".',
]


def _case(text: str) -> dict[str, object]:
    return {
        "format": "rulepath/case-1",
        "as_of": "2015-06-01",
        "caption": text,
        "docket": text,
        "judge": text,
        "motion": {"kind": "compel", "rules": ["frcp-37"], "relief": ["compel"]},
        "conference": {"held": False},
        "joint_statement": {"filed": False},
    }


def test_asp_text_in_fields_stays_data() -> None:
    baseline = decide(case_from_mapping(_case("Plain v. Caption"))).to_dict()
    for payload in PAYLOADS:
        got = decide(case_from_mapping(_case(payload))).to_dict()
        assert got["case"] == payload
        assert got["ready_for_hearing"] is False
        for key in ("route", "defects", "requirements", "disposition", "assumed"):
            assert got[key] == baseline[key], (payload, key)
