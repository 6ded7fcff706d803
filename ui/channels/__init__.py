"""Channels: each turns its wire format into an ``IncomingMessage`` and renders a ``Reply`` back.

Adding WeCom, DingTalk or Lark is one new module here implementing ``InputChannel`` and
``OutputChannel`` (see base.py), plus a router that calls it.
"""
