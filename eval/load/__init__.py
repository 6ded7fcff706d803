"""Load test (locust, headless) against `sme-assistant serve` on loopback, with accounting in the database."""
