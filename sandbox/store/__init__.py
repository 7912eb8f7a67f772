"""OAuth and knob state behind a small interface; `MemoryStore` is the implementation."""

from sandbox.store.base import AuthCode, Consent, Flow, Grant, RefreshRecord, Store, token_hash
from sandbox.store.memory import MemoryStore

__all__ = ["AuthCode", "Consent", "Flow", "Grant", "MemoryStore", "RefreshRecord", "Store",
           "token_hash"]
