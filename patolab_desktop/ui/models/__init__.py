"""Table models. They get rows from a service's page function; data() runs no SQL."""
