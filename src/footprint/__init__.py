"""IRO footprint pipeline."""
