"""Words and colours the report uses for the marts' codes."""

from __future__ import annotations

from footprint.categories import CATEGORIES

CATEGORY_LABELS: dict[str, str] = {
    "timely_footprint": "timely footprint",
    "late_footprint": "late footprint",
    "discussed_at_review": "discussed at review",
    "discussed_with_child": "discussed with the child",
    "contact_not_about_missing": "contact, not about the missing episode",
    "no_footprint": "no footprint",
}
SHORT_LABELS: dict[str, str] = {
    "timely_footprint": "timely",
    "late_footprint": "late",
    "discussed_at_review": "review",
    "discussed_with_child": "with child",
    "contact_not_about_missing": "contact",
    "no_footprint": "none",
}
AWAITING_LABEL = "awaiting"

# Okabe-Ito, a palette readable with every common colour-vision deficiency; the
# categories best first, from bluish green to vermillion, awaiting in grey.
CATEGORY_COLOURS: dict[str, str] = {
    "timely_footprint": "#009E73",
    "late_footprint": "#56B4E9",
    "discussed_at_review": "#0072B2",
    "discussed_with_child": "#CC79A7",
    "contact_not_about_missing": "#E69F00",
    "no_footprint": "#D55E00",
}
AWAITING_COLOUR = "#999999"
SERVICE_COLOUR = "#000000"
IRO_COLOUR = "#0072B2"
ACCENT_COLOUR = "#D55E00"

EVIDENCE_LABELS = {"case_note": "case note", "cla_review": "CLA review"}

assert tuple(CATEGORY_LABELS) == CATEGORIES
