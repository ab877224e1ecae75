"""The figures the population model is calibrated on, and the showcase it always carries.

Tuned so that the national rates (presets.py) come out of the simulation (see
tests/test_generate.py): how long children stay, who goes missing and how
often, caseloads, how often records are corrected, and how IROs answer a
missing notification when they do not answer it in time.
"""

from __future__ import annotations

from footprint.devtools.generate.clock import DAY

STOCK_RATIO = 0.68  # looked after on a given day / looked after at any time in a year
ENTRY_RATIO = 0.30  # children starting to be looked after in a year / annual count
MEAN_STAY_YEARS = 4.0  # mean remaining time in care (exponential), before 18
SHORT_STAY_SHARE = 0.22  # entrants who leave within weeks (exponential, mean 75 days)
STOCK_AGES = ((0, 1, 4), (1, 5, 13), (5, 10, 17), (10, 16, 38), (16, 18, 28))  # from, to, %
ENTRY_AGES = ((0, 1, 19), (1, 5, 14), (5, 10, 16), (10, 16, 34), (16, 18, 17))

MISSER_SHARE = 0.235  # of children who reach 10 in care, the share at risk of going missing
MISS_RATE_MEDIAN = 8.5  # episodes a year at full hazard (lognormal)
MISS_RATE_SIGMA = 1.0
MISS_RATE_CAP = 90.0
BURST_SIGMA = 0.8  # month-to-month variation of a child's rate (clusters of episodes)
AWAY_SHARE = 0.15
NOT_NOTIFIED_SHARE = 0.04
LONG_EPISODE_SHARE = 0.004  # missing for months

IRO_CASELOAD = 65
SW_CASELOAD = 15
SWS_PER_TEAM = 6
TEAMS_PER_GM = 3
IRO_REALLOCATION_PER_YEAR = 0.25
SW_REALLOCATION_PER_YEAR = 0.6
PRACTICE_TREND_PER_YEAR = 0.04  # IROs get a little better at leaving footprints

NOTE_CORRECTION_SHARE = 0.03
NOTE_DELETION_SHARE = 0.006
EPISODE_CORRECTION_SHARE = 0.03
EPISODE_DUPLICATE_SHARE = 0.01

# Routine notes a year per child in care: code, description, rate, author, P(child seen).
ROUTINE_NOTES = (
    ("STVL", "Statutory Visit", 11.0, "sw", 0.95),
    ("HVIS", "Home Visit", 8.0, "sw", 0.7),
    ("DRCT", "Direct Work", 8.0, "sw", 1.0),
    ("TELC", "Telephone Call", 20.0, "sw", 0.05),
    ("CORR", "Correspondence", 15.0, "sw", 0.0),
    ("SUPV", "Management Oversight", 7.0, "tm", 0.0),
    ("PLAN", "Care Planning Meeting", 4.0, "sw", 0.6),
    ("EDUC", "Education/PEP", 5.0, "sw", 0.2),
    ("HLTH", "Health", 2.5, "sw", 0.3),
    ("CASE", "Case Note", 3.0, "sw", 0.0),
)
IRO_ROUTINE_RATE = 4.0
IRO_CODE, IRO_DESC = "IRO", "IRO Discussion/Monitoring"
IROV_CODE, IROV_DESC = "IROV", "IRO Visit to Young Person"
TELC_DESC = "Telephone Call"

# How an IRO answers a notification, when not timely (relative weights).
RESPONSES = (
    ("late", 16), ("contact", 14), ("review_call", 5), ("rhian", 1), ("absent_school", 2),
    ("nothing", 22), ("with_child", 8), ("rewritten", 4), ("cover", 6), ("linked_other", 4),
    ("early_contact", 8), ("deleted", 1),
)

# The showcase: every finding of the hand audit and every distractor of the
# rules occurs in every run, whatever the preset, on children chosen by seed.
SCENARIOS = (
    # The first two change a note after the initial load, so the nights show both versions;
    # the third is notified the day before the last night and still awaits its footprint.
    "rewritten", "deleted_footprint", "awaiting",
    "timely_keyword", "timely_linked", "f1_review_call", "f2_late", "f4_review",
    "f5_before_notification", "f6_nothing", "f7_with_child", "cover_iro", "linked_other",
    "rhian", "absent_school", "not_notified",
)
NEAR_START = {"rewritten": 8 * DAY, "deleted_footprint": 6 * DAY}
NEAR_END = {"awaiting": DAY}
LONG_SCENARIO = "f3_long_missing"
SLOT_BEFORE = 45 * DAY  # a scenario owns [F - SLOT_BEFORE, F + SLOT_AFTER] of its child's life
SLOT_AFTER = 35 * DAY
SLOT_STEP = 80 * DAY

GET_SAFE = "Get Safe"
