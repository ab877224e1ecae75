"""Stage 4, publish: readers see the built marts all at once; roles and grants keep them apart."""
