"""Fuzz the WeChat bridge's parser: any body with a valid signature is an Envelope or a clean refusal."""

from __future__ import annotations

import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st
from wechatpy.utils import WeChatSigner

from assistant.settings import load_settings
from ui.channels.wechat.envelope import Envelope, WeChatChannel, WeChatRefused

TOKEN = "fuzz-token"
TAGS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "PicUrl", "MediaId", "Event",
        "Encrypt", "xml", "!DOCTYPE", "Location_X"]


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> WeChatChannel:
    data: Path = tmp_path_factory.mktemp("wechat-fuzz")
    return WeChatChannel(load_settings(assistant_data_dir=data, wechat_token=TOKEN))


def _query(**extra: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), "fuzz"
    signer = WeChatSigner()
    signer.add_data(TOKEN, timestamp, nonce)
    return {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce, **extra}


def _open(channel: WeChatChannel, body: bytes, **extra: str) -> Envelope | None:
    try:
        envelope = channel.open(body, _query(**extra))
    except WeChatRefused as exc:
        assert exc.status in (400, 403)
        return None
    assert isinstance(channel.dedupe_key(envelope), str)
    return envelope


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
fields = st.dictionaries(st.sampled_from(TAGS[:9]), text, max_size=8)


@given(body=st.binary(max_size=2000))
def test_random_bytes_are_refused_or_parsed(channel: WeChatChannel, body: bytes) -> None:
    _open(channel, body)


@given(values=fields, msg_type=st.sampled_from(["text", "image", "event", "voice", "", "TEXT", "link"]))
def test_message_shaped_xml_never_crashes(channel: WeChatChannel, values: dict[str, str], msg_type: str) -> None:
    values = {**values, "MsgType": msg_type}
    body = "<xml>" + "".join(f"<{k}><![CDATA[{v.replace(']]>', '')}]]></{k}>" for k, v in values.items()) + "</xml>"
    envelope = _open(channel, body.encode("utf-8"))
    if envelope is not None and envelope.message.type == "text" and getattr(envelope.message, "source", None):
        incoming = channel.to_incoming(envelope)
        assert isinstance(incoming.text, str)


@given(inner=st.text(max_size=200), wrap=st.sampled_from(['<!DOCTYPE x [<!ENTITY a "b">]><xml>&a;{}</xml>',
                                                          "<xml>{}", "{}</xml>", "<xml><xml>{}</xml></xml>",
                                                          '<?xml version="1.0" encoding="gbk"?><xml>{}</xml>']))
def test_hostile_structure_is_refused_or_parsed(channel: WeChatChannel, inner: str, wrap: str) -> None:
    _open(channel, wrap.format(escape(inner)).encode("utf-8", "surrogatepass"))


@given(body=st.binary(max_size=500))
def test_safe_mode_without_a_key_is_refused(channel: WeChatChannel, body: bytes) -> None:
    assert _open(channel, body, encrypt_type="aes", msg_signature="x") is None
