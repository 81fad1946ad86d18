"""The porto package against a real portod (see conftest.py)."""

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

import porto
from porto import exceptions

HERE = os.path.dirname(os.path.abspath(__file__))


def test_create_set_start_wait_read_status_and_destroy(conn):
    ct = conn.Create('py-life')
    assert ct.name == 'py-life' and isinstance(ct, porto.Container)
    ct.SetProperty('command', "sh -c 'echo hello; echo oops >&2; exit 3'")
    assert ct['command'] == "sh -c 'echo hello; echo oops >&2; exit 3'"
    assert ct['state'] == 'stopped'
    ct.Start()
    assert conn.WaitContainers(['py-life'], timeout=60) == 'py-life'
    assert ct['state'] == 'dead'
    assert ct['stdout'] == 'hello\n'
    assert ct.GetData('stderr') == 'oops\n'
    assert ct['exit_status'] == str(3 << 8)
    assert ct.Get(['state', 'exit_code']) == {'state': 'dead', 'exit_code': '3'}
    ct.Destroy()
    assert 'py-life' not in conn.List()


def test_run_sets_properties_starts_and_waits(conn):
    ct = conn.Run('py-run', command="sh -c 'echo $GREETING'", env='GREETING=hi there', wait=60)
    assert ct['state'] == 'dead'
    assert ct['stdout'] == 'hi there\n'
    assert ct['exit_code'] == '0'
    # Run makes a weak container unless told otherwise, as upstream's does.
    assert ct['weak'] is True


def test_run_with_a_bad_property_destroys_what_it_created(conn):
    with pytest.raises(exceptions.InvalidValue):
        conn.Run('py-bad-run', command='true', memory_limit='plenty')
    assert 'py-bad-run' not in conn.List()


def test_list_with_a_mask_and_list_containers(conn):
    for name in ('py-a', 'py-a/x', 'py-a/y', 'py-b'):
        conn.Create(name)
    assert sorted(conn.List('py-a/*')) == ['py-a/x', 'py-a/y']
    assert sorted(conn.List('py-*')) == ['py-a', 'py-b']
    assert {'py-a', 'py-a/x', 'py-a/y', 'py-b'} <= set(conn.List())
    assert sorted(c.name for c in conn.ListContainers('py-a/*')) == ['py-a/x', 'py-a/y']
    assert (conn.Find('py-a') / 'x').name == 'py-a/x'


def test_find_gives_a_handle_or_container_does_not_exist(conn):
    conn.Create('py-found')
    assert conn.Find('py-found').name == 'py-found'
    with pytest.raises(exceptions.ContainerDoesNotExist):
        conn.Find('py-nowhere')


def test_errors_are_typed_exceptions(conn):
    with pytest.raises(exceptions.ContainerDoesNotExist) as missing:
        conn.GetProperty('py-nowhere', 'state')
    assert missing.value.EID == 4 and isinstance(missing.value, exceptions.PortoException)
    assert str(missing.value).startswith('ContainerDoesNotExist: ')
    ct = conn.Create('py-errors')
    with pytest.raises(exceptions.InvalidValue):
        ct.SetProperty('memory_limit', 'plenty')
    with pytest.raises(exceptions.ContainerAlreadyExists):
        conn.Create('py-errors')
    with pytest.raises(exceptions.InvalidProperty):
        ct.GetProperty('no_such_property')
    with pytest.raises(exceptions.InvalidState):
        ct.Pause()
    values = conn.Get(['py-errors'], ['state', 'no_such_property'])['py-errors']
    assert values['state'] == 'stopped'
    assert isinstance(values['no_such_property'], exceptions.InvalidProperty)


def test_wait_timeouts(conn):
    ct = conn.Run('py-sleeper', command='sleep 1000')
    with pytest.raises(exceptions.WaitContainerTimeout):
        conn.WaitContainers([ct], timeout=0.2)
    assert ct.Wait(timeout=200) == ''
    ct.Kill(9)
    assert ct.WaitContainer(60) == 'py-sleeper'
    assert ct['state'] == 'dead'


def test_stop_pause_resume(conn):
    ct = conn.Run('py-stoppable', command='sleep 1000')
    ct.Pause()
    assert ct['state'] == 'paused'
    ct.Resume()
    assert ct['state'] == 'running'
    ct.Stop(timeout=5)
    assert ct['state'] == 'stopped'


def test_a_request_unanswered_past_the_timeout_raises_socket_timeout(tmp_path):
    path = str(tmp_path / 'silent.socket')
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    try:
        silent = porto.Connection(socket_path=path, timeout=0.5, auto_reconnect=False)
        silent.connect()
        with pytest.raises(exceptions.SocketTimeout):
            silent.List()
        assert not silent.connected()
    finally:
        server.close()


def test_without_auto_reconnect_a_closed_connection_is_a_socket_error(portod):
    manual = porto.Connection(socket_path=portod.socket, auto_reconnect=False)
    with pytest.raises(exceptions.SocketError):
        manual.List()
    manual.Connect()
    assert manual.connected() and isinstance(manual.Version()[0], str)
    manual.Disconnect()
    with pytest.raises(exceptions.SocketError):
        manual.Version()


def test_auto_reconnect_opens_the_socket_again(portod):
    automatic = porto.Connection(socket_path=portod.socket)
    automatic.List()
    automatic.disconnect()
    automatic.List()
    assert automatic.nr_connects() == 2
    automatic.disconnect()


def test_a_weak_container_goes_when_its_connection_closes(conn, portod):
    owner = porto.Connection(socket_path=portod.socket)
    weak = owner.CreateWeakContainer('py-weak')
    weak.SetProperty('command', 'sleep 1000')
    weak.Start()
    owner.Create('py-strong')
    assert {'py-weak', 'py-strong'} <= set(conn.List())
    owner.disconnect()
    # The wait returns when the daemon kills it (or finds it gone already); its removal follows,
    # with no event of its own.
    try:
        assert conn.WaitContainers(['py-weak'], timeout=60) == 'py-weak'
    except exceptions.ContainerDoesNotExist:
        pass
    deadline = time.time() + 30
    while 'py-weak' in conn.List() and time.time() < deadline:
        time.sleep(0.01)
    with pytest.raises(exceptions.ContainerDoesNotExist):
        conn.GetProperty('py-weak', 'state')
    assert 'py-strong' in conn.List()


def test_property_lists(conn):
    properties = conn.ContainerProperties()
    assert {'command', 'state', 'memory_limit'} <= set(properties)
    assert properties['state'].read_only
    assert 'command' in conn.Plist()


def test_a_script_written_for_upstreams_api_runs_unchanged(portod):
    # The script talks to /run/portod.socket, upstream's default: in a mount namespace of its
    # own, the test daemon's run directory is mounted on /run, so that path is the test socket.
    script = os.path.join(HERE, 'upstream_script.py')
    env = dict(os.environ, PYTHONPATH=os.path.dirname(HERE))
    result = subprocess.run(['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
                             'mount --bind "$0" /run && exec "$1" "$2"', portod.run_dir, sys.executable, script],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        'version ok',
        'stdout: Hello from Porto',
        'exit_status: 0',
        'missing: ContainerDoesNotExist',
        'bad value: InvalidValue',
        'destroyed',
    ]


def test_async_wait_reports_reach_the_callback_during_later_calls(conn, portod):
    watcher = porto.Connection(socket_path=portod.socket)
    seen = []
    watcher.AsyncWait(['py-async-*'], lambda **event: seen.append((event['name'], event['state'])))
    conn.Run('py-async-1', command='true')
    deadline = time.time() + 30
    while ('py-async-1', 'dead') not in seen and time.time() < deadline:
        watcher.Version()  # each answer read also delivers the reports queued before it
    assert ('py-async-1', 'running') in seen and ('py-async-1', 'dead') in seen, seen
    watcher.disconnect()


def test_create_from_a_spec_and_load_a_spec(conn):
    spec = porto.rpc_pb2.TContainerSpec(name='py-spec', command='echo from a spec')
    ct = conn.CreateSpec(spec, start=True)
    assert ct.WaitContainer(60) == 'py-spec'
    assert ct['stdout'] == 'from a spec\n'
    ct.Stop()
    ct.LoadSpec(porto.rpc_pb2.TContainerSpec(name='ignored', command='echo loaded'))
    assert ct['command'] == 'echo loaded'


def test_call_sends_any_request_by_its_field_names(conn):
    conn.Create('py-call-a')
    conn.Create('py-call-b')
    assert conn.Call('version')['tag'] == conn.Version()[0]
    assert sorted(conn.Call('list', mask='py-call-*')['name']) == ['py-call-a', 'py-call-b']
    answer = conn.Call('get', name=['py-call-a'], variable=['state'])
    assert answer['list'][0]['keyval'][0] == {'variable': 'state', 'value': 'stopped'}
    with pytest.raises(exceptions.ContainerDoesNotExist):
        conn.Call('destroy', name='py-call-missing')
