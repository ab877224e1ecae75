"""The deployment files (compose, Dockerfile, settings)."""
