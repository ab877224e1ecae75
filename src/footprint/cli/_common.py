"""Argument types and output helpers shared by the commands."""

from __future__ import annotations

import argparse
import datetime as dt
import logging


def iso_date(value: str) -> dt.date:
    """An argparse type: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from exc


def iso_month(value: str) -> dt.date:
    """An argparse type: YYYY-MM, as the first day of the month."""
    try:
        return dt.date.fromisoformat(value + "-01")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a month YYYY-MM: {value!r}") from exc


def log_to_stderr() -> None:
    """Commands that run a pipeline step show its progress the way the DAG's task log does."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
