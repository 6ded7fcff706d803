"""WeChat: a captured (signature, timestamp, nonce) carries no other message on any worker; with an
AES key set, plaintext is refused (no downgrade); signatures stay out of the access log."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from tests.ui.conftest import Server, make_settings, start_server, stop_server
from tests.ui.test_wechat import AES_KEY, APPID, TOKEN, Platform
from ui.middleware.logredact import RedactQuery


@pytest.fixture(scope="module")
def plain(demo_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = make_settings(demo_data_dir, tmp_path_factory.mktemp("wechat-plain"), wechat_token=TOKEN)
    running = start_server(settings, with_widget=False)
    yield running
    stop_server(running)


def _signed(nonce: str) -> dict[str, str]:
    ts = str(int(time.time()))
    signer = WeChatSigner()
    signer.add_data(TOKEN, ts, nonce)
    return {"signature": signer.signature, "timestamp": ts, "nonce": nonce}


def test_a_captured_signature_carries_no_other_message_on_any_worker(plain: Server) -> None:
    platform = Platform(plain.url, safe=False)
    params = _signed("captured-1")
    genuine = platform.xml("text", Content="你好")
    assert httpx.post(plain.url + "/wechat", params=params, content=genuine.encode(), timeout=30).status_code == 200
    # WeChat's own retry (the same body under the same signature) is still answered.
    assert httpx.post(plain.url + "/wechat", params=params, content=genuine.encode(), timeout=30).status_code == 200
    forged = platform.xml("text", Content="我要投诉").replace("oUser-0001", "oSomeoneElse")
    replay = httpx.post(plain.url + "/wechat", params=params, content=forged.encode(), timeout=30)
    assert replay.status_code == 403
    other = start_server(plain.settings, with_widget=False)  # a second worker on the same database
    try:
        again = httpx.post(other.url + "/wechat", params=params, content=forged.encode(), timeout=30)
        assert again.status_code == 403
    finally:
        stop_server(other)


def test_plaintext_is_refused_when_safe_mode_is_configured(demo_data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(demo_data_dir, tmp_path, wechat_token=TOKEN, wechat_aes_key=AES_KEY, wechat_appid=APPID)
    running = start_server(settings, with_widget=False)
    try:
        platform = Platform(running.url)
        downgraded, _ = platform.post(platform.xml("text", Content="你好"), safe=False)
        assert downgraded.status_code == 403
        encrypted, _ = platform.post(platform.xml("text", Content="你好"), safe=True)
        assert encrypted.status_code == 200
        assert WeChatCrypto(TOKEN, AES_KEY, APPID)  # the key the platform used is the configured one
    finally:
        stop_server(running)


def test_signatures_are_not_in_the_access_log() -> None:
    path = "/wechat?signature=abc123&timestamp=1700000000&nonce=n0nce&openid=oUser-0001&encrypt_type=aes"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "POST", path, "1.1", 200), None)
    assert RedactQuery().filter(record)
    line = record.getMessage()
    for secret in ("abc123", "1700000000", "n0nce", "oUser-0001"):
        assert secret not in line
    assert "encrypt_type=aes" in line


def test_the_running_server_redacts_its_access_log(plain: Server) -> None:
    assert any(isinstance(f, RedactQuery) for f in logging.getLogger("uvicorn.access").filters)
