"""Financing leads: the scorecard, product suggestions and the hand-over to the staff review queue."""
