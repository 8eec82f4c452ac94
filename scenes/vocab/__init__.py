"""Shared visual vocabulary of the lecture scenes (diagrams, formulas)."""
