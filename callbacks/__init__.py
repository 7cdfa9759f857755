"""Thin callback wiring: parse inputs, call one domain function, return."""
