"""The notifier port and its adapters: WeChat Work group robot, a local file sink, the log."""
from __future__ import annotations

import json
import threading
import urllib.request
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable

from aws_lambda_powertools import Logger

logger = Logger(service="livecommerce")


class DeliveryError(Exception):
    """The message was not delivered; the outbox keeps it for a retry."""


class Notifier(ABC):
    @abstractmethod
    def send(self, channel: str, text: str, message_id: str) -> None:
        """Deliver one message or raise DeliveryError."""


class LogNotifier(Notifier):
    def send(self, channel: str, text: str, message_id: str) -> None:
        logger.info("outbound message", extra={"channel": channel, "text": text, "message_id": message_id})


class FileNotifier(Notifier):
    """Local sink: one JSON line per delivered message (and printed, so `make run` shows it)."""

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        self._lock = threading.Lock()

    def send(self, channel: str, text: str, message_id: str) -> None:
        line = json.dumps({"message_id": message_id, "channel": channel, "text": text}, ensure_ascii=False)
        with self._lock:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with self._path.open("a", encoding="utf-8") as sink:
                sink.write(line + "\n")
        print(f"[notify {channel}] {text}", flush=True)


HttpPost = Callable[[str, bytes, float], bytes]


def _post(url: str, body: bytes, timeout: float) -> bytes:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured https URL
        return response.read(65536)


class WeComRobotNotifier(Notifier):
    """WeChat Work (企业微信) group robot: POST {"msgtype": "text", ...} to the robot's webhook URL."""

    def __init__(self, url: Callable[[], str | None], http_post: HttpPost = _post, timeout: float = 3.0) -> None:
        self._url, self._post, self._timeout = url, http_post, timeout

    def send(self, channel: str, text: str, message_id: str) -> None:
        url = self._url()
        if not url:
            raise DeliveryError("the group robot URL is not configured")
        body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
        try:
            answer = json.loads(self._post(url, body, self._timeout))
        except (OSError, ValueError) as exc:
            raise DeliveryError(f"robot unreachable: {exc}") from exc
        if answer.get("errcode", -1) != 0:
            raise DeliveryError(f"robot refused: {answer.get('errcode')} {answer.get('errmsg')}")
