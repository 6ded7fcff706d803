"""Routers per area; each route is thin: parse, call assistant/ or a channel, render."""
