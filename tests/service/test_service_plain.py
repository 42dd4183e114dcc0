"""The plain WSGI endpoints' body reading: Content-Length or a server-terminated stream, never
more than one byte past the endpoint's limit."""

from __future__ import annotations

import io

import pytest

from webhook_service.plain import BodyTooLarge, body


class CountingStream(io.BytesIO):
    """A request stream that remembers how many bytes were asked of it."""

    asked = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.asked += len(data)
        return data


def environ(data: bytes, length: str | None, terminated: bool = False) -> dict:
    env = {"wsgi.input": CountingStream(data), "wsgi.input_terminated": terminated}
    if length is not None:
        env["CONTENT_LENGTH"] = length
    return env


def test_content_length_bytes_are_read():
    assert body(environ(b'{"a": 1}trailing', "8"), 100) == b'{"a": 1}'


def test_a_declared_length_over_the_limit_is_refused_unread():
    env = environ(b"x" * 200, "200")
    with pytest.raises(BodyTooLarge, match="at most 100 bytes"):
        body(env, 100)
    assert env["wsgi.input"].asked == 0


@pytest.mark.parametrize(("size", "refused"), [(100, False), (101, True)])
def test_a_terminated_stream_is_read_up_to_one_byte_past_the_limit(size, refused):
    env = environ(b"x" * size, None, terminated=True)
    if refused:
        with pytest.raises(BodyTooLarge):
            body(env, 100)
    else:
        assert body(env, 100) == b"x" * 100
    assert env["wsgi.input"].asked <= 101


def test_without_a_length_or_a_terminated_stream_there_is_no_body():
    assert body(environ(b"ignored", None), 100) == b""
    assert body(environ(b"ignored", "not a number"), 100) == b""
