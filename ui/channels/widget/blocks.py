"""The web chat widget (Gradio, mounted in the app): chat with expandable sources, quick-reply
buttons inside flows, document upload showing the annotated page and the check list, 转人工.

Each browser tab is one session of the ``web`` channel; its id is issued by the server.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr
from fastapi import FastAPI
from PIL import Image

from assistant.dialogue import Attachment, IncomingMessage, Reply, TurnEvent, final_reply
from ui.channels.widget import inbox
from ui.channels.widget.guard import (
    UploadRefused,
    UploadRegistry,
    WidgetUploadGuard,
    browser_of,
    checked_upload,
    discard,
)
from ui.channels.widget.view import bot_messages, checks_html, language_of, upload_summary
from ui.security import load_secret
from ui.services import Services
from ui.texts import accept_language
from ui.texts import message as ui_text

log = logging.getLogger(__name__)
MAX_QUICK = 6
# WCAG AA: 4.5:1 for text. Gradio's default orange primary button (3.6:1 with white) and its pale
# placeholder (about 1.9:1) fall short, so both are darkened here.
CSS = """
#chat { min-height: 55vh; }
.quick button { white-space: normal; }
#send, #send button { background: #b91c1c !important; border-color: #b91c1c !important; color: #fff !important; }
#msg textarea::placeholder { color: #595959 !important; opacity: 1; }
.sources summary { cursor: pointer; font-weight: 600; }
.gradio-container h1, #heading h1 { font-size: 1.25rem !important; line-height: 1.3; margin: 0.2em 0 !important; }
#heading p { font-size: 0.85rem; margin: 0; }
@media (max-width: 640px) { .gradio-container { padding: 4px !important; } #chat { min-height: 60vh; } }
"""

# After an upload the result is where the client looks, also when they had scrolled the chat up.
SCROLL_TO_END = ("() => { setTimeout(() => { const wrap = document.querySelector('#chat .bubble-wrap');"
                 " if (wrap) { wrap.scrollTop = wrap.scrollHeight; } }, 100); }")
# The page's title follows the heading's language (the heading's text comes from the catalogue).
TITLE_FROM_HEADING = ("() => { setTimeout(() => { const h = document.querySelector('#heading h1');"
                      " if (h && h.innerText) { document.title = h.innerText; } }, 100); }")

OnMessage = Callable[[IncomingMessage], Iterator[TurnEvent]]


def build_widget(on_message: OnMessage, svc: Services, uploads: UploadRegistry | None = None) -> gr.Blocks:
    s = svc.settings
    uploads = uploads if uploads is not None else UploadRegistry()
    limit = s.upload_max_mb * 1024 * 1024

    def reply_to(message: IncomingMessage) -> Reply:
        return final_reply(on_message(message))

    def session_of(state: dict[str, Any]) -> str:
        if not state.get("session_id"):
            state["session_id"] = svc.signer.new_session_id()
        return state["session_id"]

    def incoming(state: dict[str, Any], text: str, attachment: Attachment | None = None) -> IncomingMessage:
        sid = session_of(state)
        return IncomingMessage("web", sid, sid, text, attachment, language=language_of(state.get("lang")))

    def quick_updates(reply: Reply | None) -> list[Any]:
        choices = reply.quick_replies if reply else []
        return [gr.update(value=choices[i], visible=True) if i < len(choices) else gr.update(visible=False)
                for i in range(MAX_QUICK)]

    def interface(lang: str, chat_value: Any = None) -> list[Any]:
        """The labels of every control in ``lang``, in the order of ``labelled`` below."""
        chat_update = {"label": ui_text("widget_chat_label", lang), "placeholder": ui_text("widget_greeting", lang)}
        bank = s.bank_name_en if lang == "en" else s.bank_name
        return [gr.update(value=ui_text("widget_heading", lang, bank=bank)),
                gr.update(value=ui_text("widget_handover", lang)),
                gr.update(**chat_update) if chat_value is None else gr.update(value=chat_value, **chat_update),
                gr.update(label=ui_text("widget_input_label", lang),
                          placeholder=ui_text("widget_input_placeholder", lang)),
                gr.update(value=ui_text("widget_send", lang)), gr.update(label=ui_text("widget_upload", lang)),
                gr.update(value=ui_text("widget_clear", lang)), gr.update(label=ui_text("widget_annotated", lang))]

    def relabel(state: dict[str, Any]) -> tuple[Any, ...]:
        """After a turn: the interface follows the language of the reply (the client wrote English, or Chinese)."""
        lang = language_of(state.get("lang"))
        if state.get("shown") == lang:
            return (gr.skip(), *[gr.skip() for _ in labelled])
        return ({**state, "shown": lang}, *interface(lang))

    def send(text: str, history: list[dict[str, Any]], state: dict[str, Any]) -> tuple[Any, ...]:
        text = (text or "").strip()
        if not text:
            return ("", history, state, *[gr.update() for _ in range(MAX_QUICK)], gr.update(), gr.update())
        reply = reply_to(incoming(state, text))
        state["lang"] = language_of(reply.language)
        # A person may have written meanwhile: their messages first, then this turn (staff inbox, issue 11).
        fresh, state = inbox.news(svc, state)
        mine = bot_messages(reply, state["lang"]) if reply.text else []  # with staff, the bot is silent
        history = [*history, *fresh, {"role": "user", "content": text}, *mine]
        return ("", history, state, *quick_updates(reply), gr.update(value=inbox.banner(state)),
                gr.Timer(active=inbox.watching(state)))

    def poll(history: list[dict[str, Any]], state: dict[str, Any]) -> tuple[Any, ...]:
        fresh, state = inbox.news(svc, state)
        return ([*history, *fresh] if fresh else gr.skip(), state, gr.update(value=inbox.banner(state)),
                gr.Timer(active=inbox.watching(state)))

    def restore(state: dict[str, Any], request: gr.Request) -> tuple[Any, ...]:
        """On load: the stored conversation after a reload, and the interface in the client's language (what
        they chose by writing, kept in the browser; else what the browser's Accept-Language prefers)."""
        lang = language_of((state or {}).get("lang") or accept_language(request.headers.get("accept-language", "")))
        history, state = inbox.restore(svc, {**(state or {}), "lang": lang})
        state = {**state, "lang": lang, "shown": lang}
        return (state, gr.update(value=inbox.banner(state)), gr.Timer(active=inbox.watching(state)),
                *interface(lang, history))

    def start_over(state: dict[str, Any]) -> tuple[Any, ...]:
        """The clear button starts over on the server too: the flow in progress is cancelled and the
        next message opens a new session (otherwise the screen would be empty while a flow goes on)."""
        if state.get("session_id"):
            svc.start_over("web", state["session_id"])
        fresh = {"session_id": svc.signer.new_session_id(), "lang": state.get("lang"), "shown": state.get("shown")}
        return ([], fresh, gr.update(value=""), gr.Timer(active=False), *quick_updates(None),
                gr.update(visible=False, value=None), gr.update(value=""))

    def upload(path: str | None, history: list[dict[str, Any]], state: dict[str, Any],
               request: gr.Request) -> tuple[Any, ...]:
        lang = language_of(state.get("lang"))
        if not path:
            return (history, state, gr.update(), gr.update(), *[gr.update() for _ in range(MAX_QUICK)])
        try:  # the path comes from the browser: only a file this browser uploaded here is opened
            file = checked_upload(path, browser_of(request.headers.get("cookie"), svc.signer), uploads)
        except UploadRefused as exc:
            log.warning("widget upload refused: %s", exc)
            return ([*history, {"role": "assistant", "content": ui_text("upload_refused", lang)}], state,
                    gr.update(visible=False), gr.update(value=""), *[gr.update() for _ in range(MAX_QUICK)])
        name = file.name
        data = file.read_bytes() if file.stat().st_size <= limit else None
        discard(file, uploads)  # the upload store keeps its own copy; Gradio's cache keeps none
        if data is None:
            note = ui_text("file_too_large", lang, mb=str(s.upload_max_mb))
            return ([*history, {"role": "assistant", "content": note}], state, gr.update(visible=False),
                    gr.update(value=""), *[gr.update() for _ in range(MAX_QUICK)])
        reply = reply_to(incoming(state, "", Attachment(name, "", data=data)))
        lang = state["lang"] = language_of(reply.language)
        document = svc.document(reply.document_id)
        sent = {"role": "user", "content": ui_text("widget_file_sent", lang, name=html.escape(name))}
        history = [*history, sent, *bot_messages(reply, lang)]
        image = gr.update(visible=False, value=None)
        checks = ""
        if document is not None:
            # The verdict and the checks in short, in the chat where the client is looking (issue 12).
            summary = upload_summary(document, lang)
            if summary:
                history.append({"role": "assistant", "content": html.escape(summary)})
            pages = svc.annotated_pages(reply.document_id)
            if pages:
                image = gr.update(visible=True, value=Image.open(pages[0]))
            checks = checks_html(document, lang)
        return (history, state, image, gr.update(value=checks), *quick_updates(reply))

    zh = "zh"  # built in Chinese; ``restore`` relabels it for the client on load
    with gr.Blocks(title=ui_text("widget_title", zh, bank=s.bank_name), fill_width=True) as blocks:
        # In the browser, so a reload keeps the session (and a person's replies); signed with the app's key.
        state = gr.BrowserState({}, storage_key="sme-chat", secret=hashlib.sha256(
            f"widget-state:{load_secret(s)}".encode()).hexdigest())
        with gr.Row(equal_height=False):
            heading = gr.Markdown(ui_text("widget_heading", zh, bank=s.bank_name), elem_id="heading")
            # At the top, so a person is one tap away on a phone without scrolling.
            human = gr.Button(ui_text("widget_handover", zh), elem_id="handover", size="sm", scale=0, min_width=80)
        waiting = gr.Markdown("", elem_id="handover-state")
        timer = gr.Timer(inbox.POLL_S, active=False)
        chat = gr.Chatbot(elem_id="chat", height="60vh", label=ui_text("widget_chat_label", zh), buttons=["copy"],
                          placeholder=ui_text("widget_greeting", zh))
        with gr.Row(elem_classes="quick"):
            quick = [gr.Button(visible=False, size="sm", elem_id=f"quick-{i}") for i in range(MAX_QUICK)]
        with gr.Row():
            box = gr.Textbox(placeholder=ui_text("widget_input_placeholder", zh),
                             label=ui_text("widget_input_label", zh), show_label=False, scale=5, elem_id="msg",
                             max_lines=4, min_width=180)
            send_btn = gr.Button(ui_text("widget_send", zh), variant="primary", scale=1, elem_id="send", min_width=72)
        with gr.Row():
            up = gr.UploadButton(ui_text("widget_upload", zh), file_types=["image", ".pdf"], type="filepath",
                                 elem_id="upload", min_width=120, scale=2, size="md")
            clear = gr.Button(ui_text("widget_clear", zh), elem_id="clear", variant="secondary", min_width=90,
                              scale=1, size="md")
        annotated = gr.Image(label=ui_text("widget_annotated", zh), visible=False, elem_id="annotated",
                             interactive=False)
        checks = gr.HTML(elem_id="checks")
        labelled = [heading, human, chat, box, send_btn, up, clear, annotated]
        outputs = [box, chat, state, *quick, waiting, timer]
        timer.tick(poll, [chat, state], [chat, state, waiting, timer], show_progress="hidden")
        blocks.load(restore, [state], [state, waiting, timer, *labelled]).then(None, js=TITLE_FROM_HEADING)
        after = {"fn": relabel, "inputs": [state], "outputs": [state, *labelled], "show_progress": "hidden"}
        title = {"fn": None, "js": TITLE_FROM_HEADING}
        send_btn.click(send, [box, chat, state], outputs).then(**after).then(**title)
        box.submit(send, [box, chat, state], outputs).then(**after).then(**title)
        for button in quick:
            button.click(send, [button, chat, state], outputs).then(**after).then(**title)
        # The button says 转人工 or "Talk to a person"; either asks the router for a person.
        human.click(send, [human, chat, state], outputs).then(**after).then(**title)
        uploaded = up.upload(upload, [up, chat, state], [chat, state, annotated, checks, *quick])
        uploaded.then(**after).then(**title)
        uploaded.then(None, js=SCROLL_TO_END)  # Gradio follows new messages only when the chat was at its end
        cleared = [chat, state, waiting, timer, *quick, annotated, checks]
        clear.click(start_over, [state], cleared)
        chat.clear(start_over, [state], cleared)
    return blocks


def mount_widget(app: FastAPI, on_message: OnMessage, svc: Services, path: str) -> FastAPI:
    """The widget channel: Gradio blocks built from ``on_message``, mounted at ``path``."""
    uploads = UploadRegistry()
    blocks = build_widget(on_message, svc, uploads)
    app.add_middleware(WidgetUploadGuard, widget_path=path, signer=svc.signer, registry=uploads)
    mounted = gr.mount_gradio_app(app, blocks, path=path, max_file_size=f"{svc.settings.upload_max_mb}mb", css=CSS,
                                  footer_links=[], ssr_mode=False, show_error=False, allowed_paths=[],
                                  blocked_paths=[str(svc.settings.assistant_data_dir.resolve())])
    blocks.has_launched = True  # mounted apps skip Gradio's "was this file uploaded?" check unless set
    return mounted
