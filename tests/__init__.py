"""The tests, mirroring the package: one folder per stage, shared helpers in support/."""
