"""Runs the scenario in each of the four clients against the portod that PORTO_SOCKET names and
compares each transcript with the expected one (README.md).  Build first: clients/go/build.sh,
clients/cpp/build.sh, clients/python/build.sh and the Maven build (proto jar, protobuf-java).

Exit 0 when every client printed the expected transcript.
"""

import difflib
import glob
import io
import os
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.dirname(HERE)
REPO = os.path.dirname(CLIENTS)
sys.path.insert(0, os.path.join(CLIENTS, 'python'))

import porto  # noqa: E402

EXPECTED = """\
version: ok
create scn: ok
set command: ok
start: ok
wait: scn
stdout: scenario-out
exit_status: 1280
state: dead
create scn-a scn-b: ok
list scn-*: scn-a scn-b
list scn: scn
missing: ContainerDoesNotExist
bad value: InvalidValue
set label: ok
find label: scn TEST.step=one
inc label: 2
list by label: scn
import layer: ok
volume greeting: hello from a layer
volume layers: scn-layer
destroy volume: ok
remove layer: ok
missing layer: LayerNotFound
destroy: ok
after destroy: ContainerDoesNotExist
"""


def commands():
    java = os.path.join(os.environ['JAVA_HOME'], 'bin', 'java') if 'JAVA_HOME' in os.environ else 'java'
    class_path = ':'.join(glob.glob(os.path.join(REPO, 'proto/target/proto-*.jar')) +
                          glob.glob(os.path.join(REPO, 'app-daemon/target/lib/protobuf-java-*.jar')))
    go = os.environ.get('GO', '/usr/bin/go')
    return [
        ('java', [java, '--sun-misc-unsafe-memory-access=allow', '-cp', class_path, os.path.join(HERE, 'Scenario.java')], REPO),
        ('python', [sys.executable, os.path.join(HERE, 'scenario.py')], REPO),
        ('go', [go, 'run', './cmd/porto-scenario'], os.path.join(CLIENTS, 'go')),
        ('cpp', [os.path.join(CLIENTS, 'cpp/build/porto-scenario')], REPO),
    ]


def make_tarball(directory):
    path = os.path.join(directory, 'scenario-layer.tar')
    data = b'hello from a layer\n'
    with tarfile.open(path, 'w') as tar:
        entry = tarfile.TarInfo('greeting')
        entry.size = len(data)
        tar.addfile(entry, io.BytesIO(data))
    return path


def clean_up(conn):
    """Removes what a client that failed half-way left, so the next one starts from nothing.
    A failure here is reported and the run goes on: the next client's transcript shows its effect."""
    try:
        for name in ('scn', 'scn-a', 'scn-b'):
            if name in conn.List(name):
                conn.Destroy(name)
        for volume in conn.ListVolumes():
            if 'scn-layer' in volume.properties.get('layers', '').split(';'):
                conn.DestroyVolume(volume.path)
        if conn.ListLayers(mask='scn-layer'):
            conn.RemoveLayer('scn-layer')
    except porto.exceptions.PortoException as e:
        print('scenario clean-up: {}'.format(e))


def main():
    conn = porto.Connection(socket_path=os.environ['PORTO_SOCKET'], timeout=60)
    passed, failed = 0, 0
    with tempfile.TemporaryDirectory(prefix='porto-scenario-') as directory:
        env = dict(os.environ, PORTO_SCENARIO_TARBALL=make_tarball(directory))
        for client, command, cwd in commands():
            result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    universal_newlines=True, timeout=600)
            if result.returncode == 0 and result.stdout == EXPECTED:
                print('scenario {}: same transcript'.format(client))
                passed += 1
            else:
                failed += 1
                print('scenario {}: exit {}, transcript differs:'.format(client, result.returncode))
                sys.stdout.writelines(difflib.unified_diff(EXPECTED.splitlines(True), result.stdout.splitlines(True),
                                                           'expected', client))
                print(result.stderr[-4000:])
            clean_up(conn)
    print('{} passed, {} failed'.format(passed, failed))
    return 0 if failed == 0 and passed == 4 else 1


if __name__ == '__main__':
    sys.exit(main())
