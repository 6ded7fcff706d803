"""The staff inbox in the web app (issue 11): its staff API, the client messages API and WeChat pushes.

``install_inbox(app, services)`` is called once by the app factory; ``close()`` on shutdown.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI

from ui.channels.rest.messages import build_messages_router
from ui.channels.wechat.api import WeChatApi
from ui.channels.wechat.push import WeChatPusher
from ui.services import Services


@dataclass
class Inbox:
    pusher: WeChatPusher | None

    def kick(self) -> None:
        if self.pusher is not None:
            self.pusher.kick()

    def close(self) -> None:
        if self.pusher is not None:
            self.pusher.close()


def install_inbox(app: FastAPI, svc: Services) -> Inbox:
    from ui.routes import console_inbox, handovers

    app.include_router(build_messages_router(svc))
    app.include_router(handovers.router)
    app.include_router(console_inbox.router)
    s = svc.settings
    pusher = None
    if s.wechat_appid and s.wechat_secret and svc.manager.handover is not None:
        pusher = WeChatPusher(svc, WeChatApi(s.wechat_api_base, s.wechat_appid, s.wechat_secret)).start()
    inbox = Inbox(pusher)
    app.state.kick_pushes = inbox.kick
    return inbox
