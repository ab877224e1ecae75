"""Tests of footprint.transform."""
