"""Maps: country boundaries, map figures and their styling."""
