"""Text the channel layer shows clients and staff: errors and the few channel-only lines.

Errors answer in the user's language (Chinese unless the client writes English or the browser
asks for it); the dialogue's own replies come from assistant/dialogue/texts.yaml.
"""

from __future__ import annotations

from starlette.requests import Request

from assistant.answering.language import detect_language

MESSAGES: dict[str, dict[str, str]] = {
    "bad_json": {"zh": "请求格式不正确：需要 JSON 对象，例如 {{\"session_id\": \"…\", \"message\": \"…\"}}",
                 "en": "Malformed request: send a JSON object such as {{\"session_id\": \"…\", \"message\": \"…\"}}"},
    "not_utf8": {"zh": "请求内容不是有效的 UTF-8 编码", "en": "The request is not valid UTF-8"},
    "missing_message": {"zh": "缺少 message（要发送的文字）", "en": "'message' (the text to send) is missing"},
    "bad_field": {"zh": "字段 {field} 格式不正确", "en": "Field '{field}' is malformed"},
    "body_too_large": {"zh": "请求过大（上限 {kb} KB）", "en": "Request too large (limit {kb} KB)"},
    "unknown_session": {"zh": "会话不存在或已失效，请开始新的会话（不带 session_id 发送即可）",
                        "en": "Unknown or expired session: start a new one by sending without session_id"},
    "file_too_large": {"zh": "文件过大：上限 {mb} MB，请压缩后重新上传",
                       "en": "File too large: the limit is {mb} MB; please compress it and upload again"},
    "file_type": {"zh": "不支持的文件类型，请上传图片（JPG/PNG）或 PDF",
                  "en": "Unsupported file type: please upload an image (JPG/PNG) or a PDF"},
    "file_missing": {"zh": "请选择要上传的文件", "en": "Please choose a file to upload"},
    "file_empty": {"zh": "文件为空", "en": "The file is empty"},
    "unauthorised": {"zh": "请先登录（令牌缺失、无效或已过期）",
                     "en": "Please log in (token missing, invalid or expired)"},
    "bad_login": {"zh": "用户名或密码错误", "en": "Wrong username or password"},
    "login_locked": {"zh": "登录失败次数过多，请 {minutes} 分钟后再试", "en": "Too many failed logins; try again in "
                     "{minutes} min"},
    "rate_limited": {"zh": "操作太频繁，请 {seconds} 秒后再试", "en": "Too many requests; please try again in "
                     "{seconds} s"},
    "not_found": {"zh": "找不到该地址", "en": "Not found"},
    "method": {"zh": "不支持该请求方法", "en": "Method not allowed"},
    "internal": {"zh": "服务暂时出现问题，请稍后再试，或拨打客服热线 {hotline}",
                 "en": "Something went wrong on our side; please try again later or call {hotline}"},
    "wechat_forbidden": {"zh": "签名校验失败", "en": "Signature check failed"},
    "wechat_stale": {"zh": "请求已过期", "en": "Request expired"},
    "wechat_bad_xml": {"zh": "消息格式不正确", "en": "Malformed message"},
    "wechat_disabled": {"zh": "未配置微信公众号（SME_WECHAT_TOKEN）",
                        "en": "WeChat is not configured (SME_WECHAT_TOKEN)"},
    # channel-only lines shown to clients
    "working": {"zh": "已收到，正在为您处理，请稍候…", "en": "Got it — working on it, one moment…"},
    "working_document": {"zh": "已收到您的文件，正在核验，结果稍后发给您。", "en": "File received; checking it now, "
                         "the result follows shortly."},
    "unsupported_wechat": {"zh": "目前只能处理文字和图片消息，请用文字描述您的问题，或发送发票、合同的照片。",
                           "en": "I can handle text and pictures only: please type your question or send a photo."},
    "welcome": {"zh": "欢迎关注{bank}！我是小微企业金融助手。",
                "en": "Welcome to {bank}! I am the SME financing assistant."},
    "reply_with_number": {"zh": "回复数字选择：", "en": "Reply with a number:"},
    "sources": {"zh": "来源", "en": "Sources"},
    "storage_full": {"zh": "文件暂时无法保存（存储空间不足），请稍后再上传，或拨打客服热线 {hotline}",
                     "en": "We cannot store files right now (storage full); please try again later or call {hotline}"},
    "busy": {"zh": "当前咨询人数较多，请稍后再试。", "en": "We are busy right now; please try again shortly."},
}


def message(key: str, lang: str = "zh", **values: str) -> str:
    texts = MESSAGES[key]
    return (texts.get(lang) or texts["zh"]).format(**values)


def request_language(request: Request | None, text: str | None = None) -> str:
    """The client's language: what they wrote, else what their browser asks for, else Chinese."""
    if text and detect_language(text) == "en":
        return "en"
    if text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "zh"
    accept = (request.headers.get("accept-language", "") if request is not None else "").lower()
    return "en" if accept.startswith("en") else "zh"
