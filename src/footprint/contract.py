"""The nightly extract contract (../shared/spec/extract-contract.md), as data.

Every other module (generator, loader, quality suites, dbt sources) reads the
file layout from here, so the contract is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MANIFEST_NAME = "_manifest.json"
CONTRACT_VERSION = 1

SNAPSHOT = "snapshot"
EVENT = "event"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"  # text | date | timestamp | flag | id
    sensitive: bool = False  # never echoed in errors or logs, never in a mart
    required: bool = False  # an empty value is an error
    allowed: tuple[str, ...] = ()  # enumeration, empty = any


@dataclass(frozen=True)
class FileSpec:
    name: str  # file name in the night folder
    table: str  # raw table name
    key: str  # identifier column
    load_kind: str  # SNAPSHOT (whole truth each night) or EVENT (14-day window)
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def sensitive_columns(self) -> set[str]:
        return {c.name for c in self.columns if c.sensitive}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def row_key(self) -> str | None:
        """The key an error may name a row by: a record's id, never a child's person id (the
        children's file is keyed by it, so its rows are named by their record number alone)."""
        return None if self.key.endswith("_person_id") else self.key


YN = ("Y", "N")

FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "ssd_person.csv", "ssd_person", "pers_person_id", SNAPSHOT,
        (
            Column("pers_person_id", "id", required=True),
            Column("pers_sex", allowed=("M", "F", "U")),
            Column("pers_dob", "date", sensitive=True),
            Column("pers_ethnicity"),
        ),
    ),
    FileSpec(
        "ssd_professionals.csv", "ssd_professionals", "prof_professional_id", SNAPSHOT,
        (
            Column("prof_professional_id", "id", required=True),
            Column("prof_professional_name", sensitive=True),
            Column("prof_professional_job_title"),
            Column("prof_professional_department"),
        ),
    ),
    FileSpec(
        "ssd_involvements.csv", "ssd_involvements", "invo_involvements_id", SNAPSHOT,
        (
            Column("invo_involvements_id", "id", required=True),
            Column("invo_person_id", "id", required=True),
            Column("invo_professional_id", "id", required=True),
            Column("invo_professional_role_id"),
            Column("invo_professional_team"),
            Column("invo_involvement_start_date", "timestamp", required=True),
            Column("invo_involvement_end_date", "timestamp"),
        ),
    ),
    FileSpec(
        "ssd_missing.csv", "ssd_missing", "miss_table_id", EVENT,
        (
            Column("miss_table_id", "id", required=True),
            Column("miss_person_id", "id", required=True),
            Column("miss_missing_episode_start_date", "timestamp", required=True),
            Column("miss_missing_episode_type", allowed=("Missing", "Away")),
            Column("miss_missing_episode_end_date", "timestamp"),
            Column("miss_missing_rhi_offered", allowed=("Y", "N", "NA")),
            Column("miss_missing_rhi_accepted", allowed=("Y", "N", "NA")),
            Column("modified_at", "timestamp", required=True),
            Column("is_deleted", "flag", allowed=YN),
        ),
    ),
    FileSpec(
        "missing_notifications.csv", "missing_notifications", "mino_notification_id", EVENT,
        (
            Column("mino_notification_id", "id", required=True),
            Column("mino_missing_id", "id", required=True),
            Column("mino_person_id", "id", required=True),
            Column("mino_sent_date", "timestamp", required=True),
            Column("mino_sent_by_professional_id", "id"),
            Column("modified_at", "timestamp", required=True),
            Column("is_deleted", "flag", allowed=YN),
        ),
    ),
    FileSpec(
        "case_notes.csv", "case_notes", "cano_casenote_id", EVENT,
        (
            Column("cano_casenote_id", "id", required=True),
            Column("cano_person_id", "id", required=True),
            Column("cano_type_code", required=True),
            Column("cano_type_desc"),
            Column("cano_event_date", "timestamp"),
            Column("cano_created_date", "timestamp", required=True),
            Column("cano_created_by_professional_id", "id", required=True),
            Column("cano_linked_missing_id", "id"),
            Column("cano_child_seen", "flag", allowed=YN),
            Column("cano_subject", sensitive=True),
            Column("cano_text", sensitive=True),
            Column("modified_at", "timestamp", required=True),
            Column("is_deleted", "flag", allowed=YN),
        ),
    ),
    FileSpec(
        "ssd_cla_reviews.csv", "ssd_cla_reviews", "clar_cla_review_id", EVENT,
        (
            Column("clar_cla_review_id", "id", required=True),
            Column("clar_cla_person_id", "id", required=True),
            Column("clar_cla_review_due_date", "date"),
            Column("clar_cla_review_date", "timestamp"),
            Column("clar_cla_review_cancelled", "flag", allowed=YN),
            Column("clar_chair_professional_id", "id"),
            Column("clar_review_summary", sensitive=True),
            Column("modified_at", "timestamp", required=True),
            Column("is_deleted", "flag", allowed=YN),
        ),
    ),
    FileSpec(
        "service_involvements.csv", "service_involvements", "serv_involvement_id", SNAPSHOT,
        (
            Column("serv_involvement_id", "id", required=True),
            Column("serv_person_id", "id", required=True),
            Column("serv_service_name"),
            Column("serv_start_date", "date"),
            Column("serv_end_date", "date"),
        ),
    ),
)

FILES_BY_NAME: dict[str, FileSpec] = {f.name: f for f in FILES}
FILES_BY_TABLE: dict[str, FileSpec] = {f.table: f for f in FILES}

# Load metadata columns every raw table carries, after the contract columns.
META_COLUMNS: tuple[str, ...] = (
    "_extract_date",  # date: the night folder
    "_produced_at",  # timestamp: manifest produced_at
    "_source_file",  # text: file name within the night
    "_source_row",  # bigint: CSV record number, 1 = first data record
    "_loaded_at",  # timestamp: when this load committed
)

# One row per night ever seen: the write-audit-publish state machine.
NIGHTS_TABLE = "extract_nights"
NIGHT_LOADED = "loaded"  # in raw, not yet through the quality gate
NIGHT_ACCEPTED = "accepted"  # passed the gate: staging reads it
NIGHT_REJECTED = "rejected"  # failed the gate: kept aside, never read downstream

# Accepted date and timestamp spellings (contract "File format").
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M",
)
