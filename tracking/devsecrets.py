"""Development secrets, generated once into var/ so a laptop needs no configuration."""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def dev_secret(var_dir: Path, name: str, *, fernet: bool = False) -> str:
    path = var_dir / name
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = Fernet.generate_key().decode() if fernet else secrets.token_urlsafe(50)
    path.write_text(value)
    path.chmod(0o600)
    return value
