"""Stage 1, ingest: a night's landing folder into `raw`.

`landing` (the folder layout and manifest), `manifest` (checks before anything
is written), `bytescan` and `locate` (faults the databases would read
differently, in our own words), `raw_schema` (the raw tables), `raw_load`
(one transaction per night), `pseudonym` (the child key).
"""
