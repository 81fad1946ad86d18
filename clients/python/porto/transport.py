"""The wire side of a Connection: a UNIX socket to portod carrying length-prefixed protobuf messages.

Each message is a TContainerRequest or TContainerResponse preceded by its length as a base-128 varint.
One request is in flight at a time (a lock guards the socket).  Every call has a deadline: the
connection's timeout, plus the time the method itself may take (waits, stops).  With auto_reconnect a
broken or missing socket is opened again and the request sent again until the deadline passes; without
it the failure is raised at once as SocketError or SocketTimeout.
"""

import os
import socket
import time

from . import exceptions
from . import rpc_pb2


def _frame(message):
    body = message.SerializeToString()
    size = len(body)
    prefix = bytearray()
    while size >= 0x80:
        prefix.append(0x80 | (size & 0x7f))
        size >>= 7
    prefix.append(size)
    return bytes(prefix) + body


class _Deadline(object):
    """A point in time after which the call gives up; None means never."""

    def __init__(self, seconds):
        self.at = None if seconds is None or seconds < 0 else time.time() + seconds

    def copy(self):
        other = _Deadline(None)
        other.at = self.at
        return other

    def extend(self, seconds):
        if seconds is None or seconds < 0:
            self.at = None
        elif self.at is not None:
            self.at += seconds

    def remaining(self):
        """Seconds left (None for no limit); SocketTimeout when none are."""
        if self.at is None:
            return None
        left = self.at - time.time()
        if left <= 0.001:
            raise exceptions.SocketTimeout("Porto connection timeout")
        return left


class Channel(object):
    def __init__(self, socket_path, timeout, socket_constructor, lock_constructor,
                 auto_reconnect, reconnect_interval):
        self.socket_path = socket_path
        self.timeout = timeout
        self.socket_constructor = socket_constructor
        self.lock = lock_constructor()
        self.auto_reconnect = auto_reconnect
        self.reconnect_interval = reconnect_interval
        self.sock = None
        self.sock_pid = None
        self.nr_connects = 0
        self.last_connect = None
        # The AsyncWait request of this connection and the function its reports go to;
        # sent again on every new socket, since the daemon forgets it with the old one.
        self.async_wait_request = None
        self.async_wait_callback = None

    # -- connecting ---------------------------------------------------------------------------

    def _open(self, deadline):
        # Do not hammer a daemon that is restarting: space the attempts by reconnect_interval.
        if self.last_connect is not None:
            since = time.time() - self.last_connect
            if 0 < since < self.reconnect_interval:
                time.sleep(self.reconnect_interval - since)
        self._close()
        sock = self.socket_constructor(socket.AF_UNIX, socket.SOCK_STREAM | getattr(socket, 'SOCK_CLOEXEC', 0))
        self.nr_connects += 1
        self.last_connect = time.time()
        try:
            sock.settimeout(deadline.remaining())
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock
        self.sock_pid = os.getpid()
        if self.async_wait_request is not None:
            self.sock.sendall(_frame(self.async_wait_request))
            self._raise_error(self._read_response(deadline))

    def _close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None

    def connect(self, timeout=None):
        """Opens the socket, trying again until timeout (default: the connection's) passes."""
        with self.lock:
            deadline = _Deadline(self.timeout if timeout is None else timeout)
            while True:
                deadline.remaining()
                try:
                    self._open(deadline)
                    return
                except (socket.timeout, OSError):
                    continue

    def try_connect(self, timeout=None):
        """Opens the socket once; SocketError or SocketTimeout when that fails."""
        with self.lock:
            deadline = _Deadline(self.timeout if timeout is None else timeout)
            try:
                self._open(deadline)
            except socket.timeout as e:
                raise exceptions.SocketTimeout("Porto connection timeout: {}".format(e))
            except OSError as e:
                raise exceptions.SocketError("Porto connection error: {}".format(e))

    def disconnect(self):
        with self.lock:
            self._close()

    def connected(self):
        with self.lock:
            return self.sock is not None

    def _ensure_open(self, deadline):
        if self.sock is not None and self.sock_pid == os.getpid():
            return
        if not self.auto_reconnect:
            if self.sock is None:
                raise exceptions.SocketError("Porto socket is not connected")
            raise exceptions.SocketError("Porto socket connected by other pid {}".format(self.sock_pid))
        if self.sock is not None:
            # Opened by the parent before a fork: leave the parent's socket alone, open our own.
            self.sock = None
        self._open(deadline)

    # -- one request --------------------------------------------------------------------------

    def _read_exactly(self, count, deadline):
        data = bytearray()
        while len(data) < count:
            self.sock.settimeout(deadline.remaining())
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionResetError("portod closed the connection")
            data.extend(chunk)
        return bytes(data)

    def _read_response(self, deadline):
        """The next answer, handing AsyncWait reports that come before it to their callback."""
        while True:
            response = self._read_message(deadline)
            if not response.HasField('AsyncWait'):
                return response
            self._report(response.AsyncWait)

    def _report(self, event):
        if self.async_wait_callback is None:
            return
        if event.HasField('label'):
            self.async_wait_callback(name=event.name, state=event.state, when=event.when,
                                     label=event.label, value=event.value)
        else:
            self.async_wait_callback(name=event.name, state=event.state, when=event.when)

    def _read_message(self, deadline):
        size = shift = 0
        while True:
            byte = self._read_exactly(1, deadline)[0]
            size |= (byte & 0x7f) << shift
            shift += 7
            if byte < 0x80:
                break
        response = rpc_pb2.TContainerResponse()
        response.ParseFromString(self._read_exactly(size, deadline))
        return response

    def call(self, request, method_timeout=0):
        """Sends request, returns the response; raises the typed Porto error the daemon answers.

        method_timeout: how much longer than the connection's timeout this method may take
        (None or negative: no limit at all).
        """
        frame = _frame(request)
        with self.lock:
            request_deadline = _Deadline(self.timeout)
            while True:
                # A request sent again after a reconnect keeps the first attempt's deadline.
                deadline = request_deadline.copy()
                try:
                    deadline.remaining()
                    self._ensure_open(deadline)
                    self.sock.settimeout(deadline.remaining())
                    self.sock.sendall(frame)
                    deadline.extend(method_timeout)
                    response = self._read_response(deadline)
                    break
                except exceptions.SocketTimeout:
                    self._close()
                    raise
                except socket.timeout as e:
                    self._close()
                    if not self.auto_reconnect:
                        raise exceptions.SocketTimeout("Porto connection timeout: {}".format(e))
                except OSError as e:
                    self._close()
                    if not self.auto_reconnect:
                        raise exceptions.SocketError("Socket error: {}".format(e))
        self._raise_error(response)
        return response

    @staticmethod
    def _raise_error(response):
        if response.error != rpc_pb2.Success:
            raise exceptions.PortoException.Create(response.error, response.errorMsg)

    def async_wait(self, request, callback):
        """Asks for reports of state changes; they reach callback while later calls read answers."""
        with self.lock:
            self.async_wait_request = request
            self.async_wait_callback = callback
        self.call(request)
