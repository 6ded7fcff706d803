"""Abuse program of issue 13: the penetration test's attacks against a real server on loopback."""
