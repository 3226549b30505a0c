"""Typed settings, read once at start-up from `TSUNAGARI_*` variables (or a .env file)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(Exception):
    """A setting is wrong or missing; the message is one line naming it."""


class Settings(BaseSettings):
    """Everything the process is configured with; passed down, never read from os.environ later."""

    model_config = SettingsConfigDict(
        env_prefix="TSUNAGARI_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    telegram_token: str | None = None
    telegram_api_url: str | None = Field(
        default=None, description="Bot API base URL, e.g. http://127.0.0.1:8081/bot"
    )
    redis_url: str | None = Field(
        default=None, description="Unset: start an embedded Redis under DATA_DIR/redis"
    )
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    data_dir: Path = Path("./var")
    secret: str | None = Field(default=None, description="HMAC key for pseudonymous ids")
    counselors_file: Path | None = None
    default_language: str = "ja"
    retention_days: int = Field(default=30, ge=1, le=3650)
    flow_file: Path | None = Field(default=None, description="An organization's own intake flow")
    intake_reminder_seconds: float = Field(default=600, gt=0, description="Silence before a reminder")
    intake_expiry_seconds: float = Field(default=1800, gt=0, description="Silence before the intake closes")
    organizations_file: Path | None = Field(default=None, description="Organizations, teams and hours")
    directory_file: Path | None = Field(default=None, description="Directory of services (default: shipped)")
    directory_samples: bool = Field(default=False, description="Show the directory's sample services (demo)")
    offer_seconds: float = Field(default=60, gt=0, le=3600, description="Time a counselor has to accept")
    heartbeat_seconds: float = Field(
        default=600, gt=0, description="Silence after which a counselor is taken offline"
    )
    fallback_horizon_minutes: float = Field(
        default=120, ge=0, description="Keep a person waiting when a team opens within this"
    )
    continuity_days: float = Field(
        default=14, ge=0, description="Offer a returning person the same counselor"
    )
    default_handle_minutes: float = Field(
        default=20, gt=0, description="Handling time assumed until enough are measured"
    )

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        bot_id, _, rest = value.partition(":")
        if not bot_id.isdigit() or len(rest) < 4:
            raise ValueError("expected the form 123456:ABC... that @BotFather gives")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("ja", "en"):
            raise ValueError("must be ja or en")
        return value

    @model_validator(mode="after")
    def _expiry_after_reminder(self) -> Settings:
        if self.intake_expiry_seconds <= self.intake_reminder_seconds:
            raise ValueError(
                "TSUNAGARI_INTAKE_EXPIRY_SECONDS must be longer than TSUNAGARI_INTAKE_REMINDER_SECONDS"
            )
        return self

    @property
    def organizations_path(self) -> Path:
        """The organizations file: the configured one, else DATA_DIR/organizations.yaml."""
        return self.organizations_file or self.data_dir / "organizations.yaml"

    @property
    def directory_path(self) -> Path:
        """Where the operator's directory lives: the configured file, else DATA_DIR/directory.yaml
        (created by `tsunagari directory import` from the shipped one)."""
        return self.directory_file or self.data_dir / "directory.yaml"

    def directory_source(self) -> Path | None:
        """The directory to serve: the operator's if there is one, else None (the shipped one)."""
        if self.directory_file is not None and not self.directory_file.exists():
            raise SettingsError(f"TSUNAGARI_DIRECTORY_FILE: {self.directory_file} does not exist")
        return self.directory_path if self.directory_path.exists() else None

    @property
    def counselors_path(self) -> Path:
        """The counselors file: the configured one, else DATA_DIR/counselors.yaml."""
        return self.counselors_file or self.data_dir / "counselors.yaml"

    def pseudonym_secret(self) -> bytes:
        """The HMAC key: the setting, else one generated once into DATA_DIR/secret."""
        if self.secret:
            return self.secret.encode()
        path = self.data_dir / "secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Created private from the first byte, never readable by others even briefly.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
        return path.read_text().strip().encode()


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or SettingsError naming the first bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "TSUNAGARI_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
