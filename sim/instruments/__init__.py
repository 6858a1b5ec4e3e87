"""egov-sim."""
