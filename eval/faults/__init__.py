"""Fault tests: programs that break one thing under load on loopback and check nothing is lost."""
