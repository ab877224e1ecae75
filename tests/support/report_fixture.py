"""The hand-audit fixture as the report tests use it: a full SSD person file, secrets planted.

`footprint.devtools.fixtures.hand_audit` writes only the contract's columns. An
authority's real `ssd_person.csv` also carries the children's names and UPN
(columns the contract allows and the loader never loads), so these nights add
them, and make every case-note text, subject and review summary start with a
marker: a leak of any of them into the report shows as `SECRET-`. Neither
changes a category (no marker is a keyword), so the spec's oracle still holds.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tests.support.quality_cases import read_night, write_night_folder

FORENAMES = ("Tamsin", "Lowenna", "Jago", "Kensa", "Morwenna", "Pedrek", "Demelza", "Tristram", "Elowen",
             "Cador", "Ysella")
SURNAMES = ("Trevithick", "Penhaligon", "Tregenza", "Nancarrow", "Polglase", "Rosevear", "Trelawny",
            "Pascoe", "Chenoweth", "Angove", "Bolitho")
SSD_NAME_COLUMNS = ("pers_forename", "pers_surname", "pers_upn")
PLANTED = {"case_notes": ("cano_text", "cano_subject", "cano_casenote_id"),
           "ssd_cla_reviews": ("clar_review_summary", "clar_cla_review_id")}
# Names that look like formulas, for the IROs of the formula test.
FORMULA_NAMES = {
    "W0101": '=HYPERLINK("http://example.invalid/x","Open me")',
    "W0102": "+44 20 7946 0000",
    "W0103": "-Carys Lloyd",
    "W0104": "@Dafydd Hughes",
}


def write_fixture(landing: Path, iro_names: dict[str, str] | None = None) -> list[Path]:
    """The hand-audit nights with SSD name columns and planted markers (and IROs renamed, if asked)."""
    from footprint.devtools.fixtures.hand_audit import write_hand_audit

    folders = write_hand_audit(landing)
    for folder in folders:
        night = read_night(folder)
        night.headers["ssd_person"] = [*night.headers["ssd_person"], *SSD_NAME_COLUMNS]
        for i, row in enumerate(night.rows["ssd_person"]):
            row.update(pers_forename=FORENAMES[i % len(FORENAMES)], pers_surname=SURNAMES[i % len(SURNAMES)],
                       pers_upn=f"H80112345{i:04d}")
        for table, (*texts, key) in PLANTED.items():
            for row in night.rows[table]:
                for column in texts:
                    row[column] = f"SECRET-{column}-{row[key]} {row[column]}"
        for row in night.rows["ssd_professionals"]:
            row["prof_professional_name"] = (iro_names or {}).get(row["prof_professional_id"],
                                                                  row["prof_professional_name"])
        write_night_folder(night, landing)
    return folders


def run_fixture(landing: Path, iro_names: dict[str, str] | None = None) -> None:
    from footprint import nightly
    from footprint.settings import Settings

    settings = Settings.from_env()
    for folder in write_fixture(landing, iro_names):
        nightly.run_night(dt.date.fromisoformat(folder.name), settings)


def _column(landing: Path, file: str, column: str) -> list[str]:
    import csv

    values = []
    for folder in sorted(p for p in landing.iterdir() if p.is_dir()):
        with open(folder / file, encoding="utf-8-sig", newline="") as fh:
            values += [row[column] for row in csv.DictReader(fh) if row.get(column)]
    return values


def secrets(landing: Path) -> dict[str, set[str]]:
    """What must never be in the report: person ids, names, UPNs, dates of birth, free text."""
    dobs = set()
    for value in _column(landing, "ssd_person.csv", "pers_dob"):
        day = dt.date.fromisoformat(value) if "-" in value else dt.datetime.strptime(value, "%d/%m/%Y").date()
        dobs |= {day.isoformat(), day.strftime("%d/%m/%Y"), f"{day.day} {day:%b %Y}"}
    texts = set()
    for file, column in (("case_notes.csv", "cano_text"), ("case_notes.csv", "cano_subject"),
                         ("ssd_cla_reviews.csv", "clar_review_summary")):
        texts |= set(_column(landing, file, column))
    return {
        "person id": set(_column(landing, "ssd_person.csv", "pers_person_id")),
        "name or UPN": {v for c in SSD_NAME_COLUMNS for v in _column(landing, "ssd_person.csv", c)},
        "date of birth": dobs,
        "free text": texts,
    }


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
