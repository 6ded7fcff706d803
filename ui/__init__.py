"""Channels: the ASGI app, web widget, staff console and WeChat bridge."""
