"""A private portod for the tests, started as the Java end-to-end tests start theirs.

portod-native master runs the daemon from this build's jars (app-daemon/target, so `mvn package`
comes first) with its own socket, state, cgroup root and place; nothing is shared with an installed
portod.  At the end SIGINT stops the master, which stops the daemon and every container, and what the
daemon made on the host is removed.
"""

import glob
import os
import shutil
import signal
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(PACKAGE_ROOT))
sys.path.insert(0, PACKAGE_ROOT)

import porto  # noqa: E402  (the package of this directory, after ./build.sh)

JVM_OPTIONS = ['--sun-misc-unsafe-memory-access=allow', '--add-exports', 'java.base/sun.nio.ch=ALL-UNNAMED',
               '--enable-native-access=ALL-UNNAMED', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto']


class Portod(object):
    def __init__(self):
        self.id = 'py{}'.format(os.getpid())
        self.run_dir = '/run/porto-test-' + self.id
        self.socket = os.path.join(self.run_dir, 'portod.socket')
        self.log = os.path.join(self.run_dir, 'portod.log')
        self.cgroup_root = 'porto-test-' + self.id
        self.place = '/place/porto-test-' + self.id
        self.native = os.path.join(REPO, 'adapters-linux/target/native/portod-native')
        self.env = dict(os.environ,
                        PORTO_SOCKET=self.socket,
                        PORTO_STATE_DIR=os.path.join(self.run_dir, 'kvs'),
                        PORTO_CGROUP_ROOT=self.cgroup_root,
                        PORTO_PLACE=self.place,
                        PORTO_NATIVE=self.native,
                        PORTO_LOG=self.log,
                        PORTO_MASTER_PIDFILE=os.path.join(self.run_dir, 'portoloop.pid'),
                        PORTO_PIDFILE=os.path.join(self.run_dir, 'portod.pid'))
        self.master = None

    def start(self):
        if os.geteuid() != 0:
            pytest.fail('the Python client tests start a real portod and need root')
        jars = glob.glob(os.path.join(REPO, 'app-daemon/target/app-daemon-*.jar'))
        libs = os.path.join(REPO, 'app-daemon/target/lib')
        if not jars or not os.path.isdir(libs) or not os.path.exists(self.native):
            pytest.fail('build the daemon first: mvn -B package -pl app-daemon -am -DskipTests')
        java = os.path.join(os.environ['JAVA_HOME'], 'bin/java') if 'JAVA_HOME' in os.environ else 'java'
        os.makedirs(self.run_dir)
        command = [self.native, 'master', '--socket', self.socket,
                   '--pidfile', self.env['PORTO_MASTER_PIDFILE'], '--daemon-pidfile', self.env['PORTO_PIDFILE'],
                   '--log', self.log, '--',
                   java] + JVM_OPTIONS + ['-cp', ':'.join(jars + [libs + '/*']), 'porto.daemon.Portod', 'serve']
        self.master = subprocess.Popen(command, env=self.env, stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = porto.Connection(socket_path=self.socket, timeout=60)
        try:
            probe.connect(timeout=60)
            probe.Version()
        except porto.exceptions.PortoException as e:
            self.stop()
            pytest.fail('portod did not start ({}); log:\n{}'.format(e, self.log_text()))
        finally:
            probe.disconnect()

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError as e:
            return '(no log: {})'.format(e)

    def stop(self):
        if self.master is not None and self.master.poll() is None:
            self.master.send_signal(signal.SIGINT)
            try:
                self.master.wait(60)
            except subprocess.TimeoutExpired:
                self.master.kill()
                self.master.wait()
        for hierarchy in glob.glob('/sys/fs/cgroup/*/') + ['/sys/fs/cgroup/']:
            root = os.path.join(hierarchy, self.cgroup_root)
            if os.path.isdir(root):
                # cgroup directories go bottom-up with rmdir; their files cannot be unlinked.
                for directory, _, _ in sorted(os.walk(root), key=lambda w: -w[0].count('/')):
                    os.rmdir(directory)
        shutil.rmtree(self.place, ignore_errors=True)
        shutil.rmtree(self.run_dir, ignore_errors=True)


@pytest.fixture(scope='session')
def portod():
    daemon = Portod()
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def conn(portod):
    """A connection to the test daemon; the containers it leaves are destroyed after the test."""
    connection = porto.Connection(socket_path=portod.socket, timeout=60)
    connection.connect()
    yield connection
    for name in sorted(connection.List(), key=lambda n: -n.count('/')):
        try:
            connection.Destroy(name)
        except porto.exceptions.ContainerDoesNotExist:
            pass  # went with its parent
    connection.disconnect()
