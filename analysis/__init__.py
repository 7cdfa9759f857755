"""Filters, statistics, specialisation and partner matching over canonical records."""
