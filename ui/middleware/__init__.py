"""ASGI middleware of the app: security headers, body limits before reading, rate limits."""
