"""What people read, from the published marts: audit, compliance, explain, show."""
