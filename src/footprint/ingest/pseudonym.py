"""The pseudonymous child key: child_key = HMAC-SHA256(key, person_id), in hex.

It is computed here, in Python, and kept in `raw.child_pseudonyms` (person_id,
child_key); dbt joins that table. The key therefore never appears in SQL,
dbt's compiled models, its artifacts or its logs.

The key comes from FOOTPRINT_PSEUDONYM_KEY. Without it, the embedded default
(DuckDB) creates a random key file readable only by its owner
(FOOTPRINT_PSEUDONYM_KEY_FILE, default `pseudonym.key` beside the DuckDB file)
and says where; PostgreSQL, the production target, refuses to run. The key's
bytes are the UTF-8 of the variable, or of the file's text stripped of
whitespace, so `FOOTPRINT_PSEUDONYM_KEY=$(cat pseudonym.key)` gives the same keys.

`raw.pseudonym_key` holds a fingerprint of the key that built the mapping;
when the key changes (a rotation), every child_key is recomputed in the same
transaction, so no table ever mixes keys from two secrets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from footprint.contract import FILES
from footprint.errors import FootprintError
from footprint.settings import Settings
from footprint.warehouse import Connection, execute, target_of

log = logging.getLogger(__name__)

KEY_ENV = "FOOTPRINT_PSEUDONYM_KEY"
KEY_FILE_ENV = "FOOTPRINT_PSEUDONYM_KEY_FILE"
KEY_FILE_NAME = "pseudonym.key"
MAPPING_TABLE = "raw.child_pseudonyms"
KEY_TABLE = "raw.pseudonym_key"
# .env.example ships this placeholder; a deployment that kept it has no secret at all.
PLACEHOLDER_PREFIX = "change-me"
SHORT_KEY_WARNING = 32
# Case systems' person ids are short codes; the mapping's primary key indexes them, and a
# PostgreSQL index entry cannot exceed about 2,700 bytes.
MAX_PERSON_ID_CHARS = 256

# Every column that holds a child's CMS person id, in contract order.
PERSON_ID_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (spec.table, col.name) for spec in FILES for col in spec.columns if col.name.endswith("person_id")
)


def _key_bytes(key: bytes | str) -> bytes:
    return key.encode("utf-8") if isinstance(key, str) else key


def child_key(person_id: str, key: bytes | str) -> str:
    """HMAC-SHA256 of the person id under `key`, as 64 hex characters."""
    return hmac.digest(_key_bytes(key), person_id.encode("utf-8"), "sha256").hex()


def key_fingerprint(key: bytes | str) -> str:
    """Identifies the key without revealing it (an HMAC of a constant under the key)."""
    return hmac.new(_key_bytes(key), b"footprint pseudonym key fingerprint v1", hashlib.sha256).hexdigest()[:16]


def key_file_path(settings: Settings, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(KEY_FILE_ENV):
        return Path(env[KEY_FILE_ENV])
    return settings.duckdb_path.parent / KEY_FILE_NAME


def load_key(settings: Settings | None = None, env: Mapping[str, str] | None = None) -> bytes:
    """The pseudonym key for this run, creating the local key file on DuckDB if needed."""
    env = os.environ if env is None else env
    settings = settings or Settings.from_env(env)
    if env.get(KEY_ENV):
        return _checked(env[KEY_ENV], KEY_ENV)
    path = key_file_path(settings, env)
    if settings.target == "postgres":
        if env.get(KEY_FILE_ENV) and path.exists():
            return _read_key_file(path)
        raise FootprintError(
            f"{KEY_ENV} is not set: on PostgreSQL the pipeline needs the pseudonym key from the "
            f"environment (or {KEY_FILE_ENV} naming an existing key file) and never creates one, "
            "because the child keys in the marts must stay the same across runs and machines"
        )
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def _checked(text: str, source: str) -> bytes:
    text = text.strip()
    if not text:
        raise FootprintError(f"the pseudonym key in {source} is empty")
    if text.startswith(PLACEHOLDER_PREFIX):
        raise FootprintError(f"the pseudonym key in {source} is still the .env.example placeholder: set a secret")
    if len(text) < SHORT_KEY_WARNING:
        log.warning("the pseudonym key in %s is short (%d characters): person ids are easy to guess, "
                    "so the key is all that protects them; use 32 or more random characters", source, len(text))
    return text.encode("utf-8")


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two first runs at once must not each write a different key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    log.warning(
        "created the pseudonym key file %s (readable by its owner only). Keep it and back it up: "
        "every child_key depends on it, and a new key changes them all. Set %s or %s to use another.",
        path, KEY_ENV, KEY_FILE_ENV,
    )


def _read_key_file(path: Path) -> bytes:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("the pseudonym key file %s is readable by others (mode %o): chmod 600 it", path, mode & 0o777)
    return _checked(path.read_text(encoding="utf-8"), str(path))


def ensure_tables(conn: Connection) -> None:
    execute(conn, f"create table if not exists {MAPPING_TABLE} (person_id text primary key, child_key text not null)")
    execute(conn, f"create table if not exists {KEY_TABLE} (fingerprint text not null, set_at timestamp not null)")


def _person_ids_sql(extract_date: dt.date | None) -> tuple[str, list]:
    where = " where _extract_date = %s" if extract_date else ""
    parts = [f"select {col} as person_id from raw.{table}{where}" for table, col in PERSON_ID_COLUMNS]
    params = [extract_date] * len(parts) if extract_date else []
    return " union all ".join(parts), params


def _refuse_long_ids(conn: Connection, person_ids: list[str], extract_date: dt.date | None) -> None:
    """A person id longer than MAX_PERSON_ID_CHARS is a broken export, and one PostgreSQL could
    not index: refuse the night, naming the first such record, before anything is written."""
    from footprint.contract import FILES_BY_TABLE
    from footprint.ingest.landing import ExtractError

    if all(len(pid) <= MAX_PERSON_ID_CHARS for pid in person_ids):
        return
    where = " and _extract_date = %s" if extract_date else ""
    for table, col in PERSON_ID_COLUMNS:
        row = execute(conn, f"select _extract_date, min(_source_row) from raw.{table} "
                            f"where length({col}) > %s{where} group by 1 order by 1 limit 1",
                      [MAX_PERSON_ID_CHARS, *([extract_date] if extract_date else [])]).fetchone()
        if row:
            raise ExtractError(f"{row[0]}/{FILES_BY_TABLE[table].name}: record {row[1]}, column {col}: "
                               f"a person id longer than {MAX_PERSON_ID_CHARS} characters")


def _insert_mapping(conn: Connection, person_ids: list[str], key: bytes,
                    extract_date: dt.date | None = None) -> None:
    """One bulk statement on either target, never a row-by-row insert."""
    if not person_ids:
        return
    _refuse_long_ids(conn, person_ids, extract_date)
    rows = [(pid, child_key(pid, key)) for pid in person_ids]
    failed = None
    try:
        target_of(conn).insert_rows(conn, MAPPING_TABLE, ("person_id", "child_key"), rows)
    except Exception as exc:  # noqa: BLE001 - any driver error: see below
        failed = f"{type(exc).__name__} {getattr(exc, 'pgcode', '') or ''}".strip()
    # Raised outside the except block, without the driver's error: its text (a key violation,
    # COPY's context line) can quote a person id.
    if failed:
        raise FootprintError(f"writing {len(person_ids)} child keys failed ({failed}); "
                             "the database's message is withheld because it can quote a person id")


def refresh_child_keys(conn: Connection, key: bytes | str, extract_date: dt.date | None = None) -> int:
    """Map every person id in raw to its child_key; return how many mappings were written.

    Runs inside the caller's transaction (the loader's). With `extract_date`,
    only that night's rows are searched for new ids: every earlier night was
    mapped when it was loaded. A key other than the one that built the mapping
    rebuilds it from all of raw.
    """
    key = _key_bytes(key)
    ensure_tables(conn)
    fingerprint = key_fingerprint(key)
    row = execute(conn, f"select fingerprint from {KEY_TABLE}").fetchone()
    stored = row[0] if row else None
    union, params = _person_ids_sql(None if stored != fingerprint else extract_date)
    if stored != fingerprint:
        # group by rather than distinct/union: lets PostgreSQL hash where it would sort.
        ids = execute(
            conn,
            f"select person_id from ({union} union all select person_id from {MAPPING_TABLE}) ids "
            "where person_id is not null group by person_id",
            params,
        ).fetchall()
        execute(conn, f"delete from {MAPPING_TABLE}")
        person_ids = sorted(r[0] for r in ids)
        _insert_mapping(conn, person_ids, key)
        execute(conn, f"delete from {KEY_TABLE}")
        execute(conn, f"insert into {KEY_TABLE} (fingerprint, set_at) values (%s, %s)",
                (fingerprint, _utcnow()))
        if stored is None:
            log.info("child keys: mapped %d person ids", len(person_ids))
        else:
            log.warning("the pseudonym key changed: recomputed all %d child keys", len(person_ids))
        return len(person_ids)
    new = execute(
        conn,
        f"select person_id from ({union}) ids where person_id is not null "
        f"and not exists (select 1 from {MAPPING_TABLE} m where m.person_id = ids.person_id) "
        "group by person_id",
        params,
    ).fetchall()
    person_ids = sorted(r[0] for r in new)
    _insert_mapping(conn, person_ids, key, extract_date)
    log.info("child keys: %d new person ids mapped", len(person_ids))
    return len(person_ids)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
