"""Flask routes on the Dash server (data files and, later, the filtered-record API)."""
