"""Tests of footprint.publish."""
